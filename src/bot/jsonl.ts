// The bot's JSON Lines records (feedback, audit): one record a line, each starting on a line of its own even
// after a crash cut the previous line in half, so that a reader skips only the broken line.
import { appendFile, mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Whether the file's last byte is a line end (or the file is empty or missing). */
async function endsWithNewline(file: string): Promise<boolean> {
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) return true;
  const handle = await open(file, "r");
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Appends one JSON Lines record on a line of its own (a line cut by a crash is closed first). */
export async function appendRecord(file: string, record: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const lead = (await endsWithNewline(file)) ? "" : "\n";
  await appendFile(file, `${lead}${JSON.stringify(record)}\n`);
}

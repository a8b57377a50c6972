// The bot's JSON Lines records (feedback, audit): one record a line, each starting on a line of its own even
// after a crash cut the previous line in half, so that a reader skips only the broken line. A file that would
// pass its size bound is rotated first (FILE → FILE.1, the older FILE.1 dropped), so the records take at most
// twice the bound on disk.
import { appendFile, mkdir, open, rename, stat } from "node:fs/promises";

/** The size bound of one records file (feedback, audit): about 40,000 records. */
export const MAX_RECORD_FILE_BYTES = 10 * 1024 * 1024;
import { dirname } from "node:path";

/** Whether the file's last byte is a line end (or the file is empty or missing). */
async function endsWithNewline(file: string, size: number): Promise<boolean> {
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

/**
 * Appends one JSON Lines record on a line of its own (a line cut by a crash is closed first), rotating the file
 * when the record would take it past maxBytes.
 */
export async function appendRecord(file: string, record: unknown, maxBytes = MAX_RECORD_FILE_BYTES): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const line = `${JSON.stringify(record)}\n`;
  let size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size > 0 && size + Buffer.byteLength(line) > maxBytes) {
    await rename(file, `${file}.1`);
    size = 0;
  }
  const lead = (await endsWithNewline(file, size)) ? "" : "\n";
  await appendFile(file, `${lead}${line}`);
}

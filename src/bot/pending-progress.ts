// Progress messages of builds in flight ("正在更新索引…"), kept in a small JSON file beside the audit trail so that
// a stop in the middle of a build does not leave an admin's message at "正在…" for ever: on the next start, once
// the documents are caught up, each one still listed is finished with the outcome.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface ProgressRef {
  chatId: number;
  messageId: number;
}

/** The file of a bot's unfinished progress messages: beside AUDIT_FILE (the bot's own state lives there). */
export function pendingProgressFile(auditFile: string): string {
  return join(dirname(auditFile), "pending-progress.json");
}

/** Most messages listed: admins are few, and an entry is dropped when its build ends. */
const MAX_ENTRIES = 100;

export class PendingProgress {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The messages listed (none when the file is missing or damaged). */
  async list(): Promise<ProgressRef[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, "utf8")) as unknown;
      return Array.isArray(parsed)
        ? parsed.filter(
            (e): e is ProgressRef =>
              typeof e === "object" &&
              e !== null &&
              Number.isInteger((e as ProgressRef).chatId) &&
              Number.isInteger((e as ProgressRef).messageId),
          )
        : [];
    } catch {
      return [];
    }
  }

  add(ref: ProgressRef): Promise<void> {
    return this.change((refs) => [...refs, ref].slice(-MAX_ENTRIES));
  }

  remove(ref: ProgressRef): Promise<void> {
    return this.change((refs) => refs.filter((r) => r.chatId !== ref.chatId || r.messageId !== ref.messageId));
  }

  /** Empties the list and returns what it held. */
  async takeAll(): Promise<ProgressRef[]> {
    let taken: ProgressRef[] = [];
    await this.change((refs) => {
      taken = refs;
      return [];
    });
    return taken;
  }

  /** Changes the list, one change at a time, written to a temporary file and renamed over the old one. */
  private change(f: (refs: ProgressRef[]) => ProgressRef[]): Promise<void> {
    const next = this.writing.then(async () => {
      const refs = f(await this.list());
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, JSON.stringify(refs));
      await rename(tmp, this.file);
    });
    // A failed write loses only this reminder, never the build: logged by the caller's error handler.
    this.writing = next.catch(() => undefined);
    return next;
  }
}

// The audit trail: every admin action (upload, overwrite, remove, restore, re-index) and every refused attempt
// at one, with the user's id, as one record per event (a JSON line in AUDIT_FILE, or a row in PostgreSQL with
// DATABASE_URL: state/records.ts) and one line in the log.
import type { Records } from "../state/records.js";
import type { Logger } from "../log.js";

export type AuditAction = "upload" | "overwrite" | "remove" | "restore" | "reindex";
export type AuditOutcome = "requested" | "done" | "refused" | "failed" | "cancelled";

export interface AuditEvent {
  at: string;
  userId: number | undefined;
  chatId: number | undefined;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The document concerned, when there is one. */
  target?: string;
  /** Why it was refused or failed, in English. */
  detail?: string;
}

/** The audit record could not be written: the admin action that needed the record is not carried out. */
export class AuditWriteError extends Error {}

export class AuditLog {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly records: Pick<Records, "kind" | "addAudit">,
    private readonly log: Logger,
  ) {}

  /**
   * Records one event; writes are serialised so lines never interleave. A failed write is logged, not thrown:
   * for outcomes of what already happened. The record a change needs before it is made goes through `require`.
   */
  record(event: Omit<AuditEvent, "at">): Promise<void> {
    return this.write(event).catch(() => undefined);
  }

  /** Records one event or throws AuditWriteError: a change to the corpus is made only once it is on record. */
  require(event: Omit<AuditEvent, "at">): Promise<void> {
    return this.write(event);
  }

  private write(event: Omit<AuditEvent, "at">): Promise<void> {
    const full: AuditEvent = { at: new Date().toISOString(), ...event };
    const level = event.outcome === "refused" || event.outcome === "failed" ? "warn" : "info";
    this.log[level](`audit: ${event.action} ${event.outcome}`, {
      user: event.userId,
      chat: event.chatId,
      target: event.target,
      detail: event.detail,
    });
    const written = this.writing.then(async () => {
      try {
        await this.records.addAudit(full);
      } catch (err) {
        this.log.error("could not write the audit record", { store: this.records.kind, error: err });
        throw new AuditWriteError(err instanceof Error ? err.message : String(err));
      }
    });
    this.writing = written.catch(() => undefined);
    return written;
  }
}

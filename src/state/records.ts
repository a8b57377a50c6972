// The bot's records: users' 👍/👎 on answers, the admins' audit trail and the questions asked (the figures of
// /stats and /healthz). By default (one process) feedback and audit are JSON Lines files (FEEDBACK_FILE,
// AUDIT_FILE) and the questions are counted in this process's memory (bot/stats.ts BotStats). With DATABASE_URL
// all three are rows in PostgreSQL, written by every replica: /stats on any replica counts every replica's
// questions and shows every replica's 👎. Each record is one INSERT (nothing is read and written back).
import type pg from "pg";
import { appendRecord } from "../bot/jsonl.js";
import type { AuditEvent } from "../bot/audit.js";
import type { FeedbackRecord } from "../bot/feedback.js";
import { BotStats, DAY_MS, WEEK_MS, latestDownVotes, refusedKey, type AskEvent, type Counts } from "../bot/stats.js";

/** The question figures of /stats: counts by day and week, the median answer time, the most frequent refusals. */
export interface QuestionFigures {
  day: Counts;
  week: Counts;
  medianAnswerMs: number | undefined;
  topRefused: { question: string; count: number }[];
}

export interface DownVote {
  at: string;
  question: string;
  answer: string;
}

export interface Records {
  readonly kind: "files" | "postgres";
  /** A user's vote on an answer (the latest vote of a user on an answer is the one that counts). */
  addFeedback(record: FeedbackRecord): Promise<void>;
  /** One event of the audit trail; throws when it cannot be written (the change that needs it is not made). */
  addAudit(event: AuditEvent): Promise<void>;
  /** A question answered or refused, with its answer time. */
  addAsk(event: AskEvent): Promise<void>;
  /** The figures at `now`; on PostgreSQL computed at most every few seconds unless `fresh`. */
  questionFigures(now?: number, fresh?: boolean): Promise<QuestionFigures>;
  /** The latest 👎, newest first: each user's latest vote on an answer counts once. */
  downVotes(limit: number): Promise<DownVote[]>;
}

/** How many refused questions /stats lists. */
export const TOP_REFUSED = 5;

/** One process: feedback and audit in files, questions counted in memory (the default). */
export class FileRecords implements Records {
  readonly kind = "files" as const;

  constructor(
    private readonly files: { feedbackFile: string; auditFile: string },
    readonly stats: BotStats = new BotStats(),
  ) {}

  addFeedback(record: FeedbackRecord): Promise<void> {
    return appendRecord(this.files.feedbackFile, record);
  }

  addAudit(event: AuditEvent): Promise<void> {
    return appendRecord(this.files.auditFile, event);
  }

  addAsk(event: AskEvent): Promise<void> {
    this.stats.record(event);
    return Promise.resolve();
  }

  questionFigures(now = Date.now()): Promise<QuestionFigures> {
    return Promise.resolve({
      day: this.stats.counts(DAY_MS, now),
      week: this.stats.counts(WEEK_MS, now),
      medianAnswerMs: this.stats.medianMs(now),
      topRefused: this.stats.topRefused(TOP_REFUSED, now),
    });
  }

  downVotes(limit: number): Promise<DownVote[]> {
    return latestDownVotes(this.files.feedbackFile, limit);
  }
}

/** Questions' rows are kept this long (the week /stats shows, and a day more). */
const ASK_TTL = "8 days";
/** Feedback and audit rows are kept this long (the files keep at most twice 10 MB of each). */
const RECORD_TTL = "1 year";
/** The question figures are computed at most this often (GET /healthz may be polled every few seconds). */
const FIGURES_TTL_MS = 5000;
/** The latest feedback rows read for the latest 👎 (each user's latest vote on an answer among them). */
const FEEDBACK_WINDOW = 2000;
/** Every this many questions, rows older than ASK_TTL are deleted. */
const PRUNE_EVERY = 1000;

/** Every replica's records in PostgreSQL (tables bot_feedback, bot_audit, bot_asks: state/schema.ts). */
export class PgRecords implements Records {
  readonly kind = "postgres" as const;
  private asks = 0;
  private cached: { at: number; figures: Promise<QuestionFigures> } | undefined;

  constructor(private readonly pool: pg.Pool) {}

  async addFeedback(r: FeedbackRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO bot_feedback (at, answer_id, chat_id, user_id, vote, question, answer, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.at, r.answerId ?? null, r.chatId, r.userId ?? null, r.vote, r.question, r.answer, JSON.stringify(r)],
    );
  }

  async addAudit(e: AuditEvent): Promise<void> {
    await this.pool.query(
      `INSERT INTO bot_audit (at, user_id, chat_id, action, outcome, target, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.at, e.userId ?? null, e.chatId ?? null, e.action, e.outcome, e.target ?? null, e.detail ?? null],
    );
  }

  async addAsk(e: AskEvent): Promise<void> {
    await this.pool.query(
      "INSERT INTO bot_asks (at, answered, ms, question) VALUES (to_timestamp($1 / 1000.0), $2, $3, $4)",
      [e.at, e.answered, Math.round(e.ms), e.answered ? null : refusedKey(e.question)],
    );
    if (++this.asks % PRUNE_EVERY === 0) await this.prune();
  }

  /** Deletes questions older than ASK_TTL and feedback and audit rows older than RECORD_TTL. */
  async prune(): Promise<void> {
    await this.pool.query(`DELETE FROM bot_asks WHERE at < now() - interval '${ASK_TTL}'`);
    await this.pool.query(`DELETE FROM bot_feedback WHERE at < now() - interval '${RECORD_TTL}'`);
    await this.pool.query(`DELETE FROM bot_audit WHERE at < now() - interval '${RECORD_TTL}'`);
  }

  questionFigures(now = Date.now(), fresh = false): Promise<QuestionFigures> {
    if (!fresh && this.cached && now - this.cached.at < FIGURES_TTL_MS) return this.cached.figures;
    const figures = this.computeFigures(now);
    this.cached = { at: now, figures };
    figures.catch(() => (this.cached = undefined));
    return figures;
  }

  private async computeFigures(now: number): Promise<QuestionFigures> {
    const since = (ms: number): number => (now - ms) / 1000;
    const counts = await this.pool.query<{
      day: string;
      day_answered: string;
      week: string;
      week_answered: string;
      median: number | null;
    }>(
      `SELECT count(*) FILTER (WHERE at >= to_timestamp($1)) AS day,
              count(*) FILTER (WHERE at >= to_timestamp($1) AND answered) AS day_answered,
              count(*) AS week,
              count(*) FILTER (WHERE answered) AS week_answered,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS median
         FROM bot_asks WHERE at >= to_timestamp($2)`,
      [since(DAY_MS), since(WEEK_MS)],
    );
    const top = await this.pool.query<{ question: string; count: string }>(
      `SELECT question, count(*) AS count FROM bot_asks
        WHERE at >= to_timestamp($1) AND NOT answered AND question IS NOT NULL
        GROUP BY question ORDER BY count(*) DESC, max(at) DESC LIMIT $2`,
      [since(WEEK_MS), TOP_REFUSED],
    );
    const row = counts.rows[0];
    const count = (asked: string | undefined, answered: string | undefined): Counts => {
      const a = Number(asked ?? 0);
      const b = Number(answered ?? 0);
      return { asked: a, answered: b, refused: a - b };
    };
    return {
      day: count(row?.day, row?.day_answered),
      week: count(row?.week, row?.week_answered),
      medianAnswerMs: row?.median ?? undefined,
      topRefused: top.rows.map((r) => ({ question: r.question, count: Number(r.count) })),
    };
  }

  async downVotes(limit: number): Promise<DownVote[]> {
    const r = await this.pool.query<{ at: Date; question: string; answer: string }>(
      `SELECT at, question, answer FROM (
         SELECT DISTINCT ON (coalesce(answer_id, id::text), user_id) at, id, vote, question, answer
           FROM (SELECT * FROM bot_feedback ORDER BY id DESC LIMIT $1) recent
          ORDER BY coalesce(answer_id, id::text), user_id, id DESC
       ) latest WHERE vote = 'down' ORDER BY id DESC LIMIT $2`,
      [FEEDBACK_WINDOW, limit],
    );
    return r.rows.map((row) => ({ at: row.at.toISOString(), question: row.question, answer: row.answer }));
  }
}

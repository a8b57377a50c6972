// The bot's state in PostgreSQL (DATABASE_URL), shared by every replica. Each write is one atomic statement:
// answers and turns by upsert, votes by an upsert that only changes a different vote, rate-limit buckets by an
// upsert whose refill is computed in the statement from the database's clock (two replicas taking from one
// bucket at once are serialised by its row lock). An update is claimed with a session advisory lock, held while
// it is handled on the one connection that holds all of this process's claims, and recorded as handled when
// done: a redelivery finds it handled (skipped) or locked by a live replica (skipped); when the replica handling
// it dies, its connection closes, its locks go with it and the redelivery is handled. A replica opens at most
// about 17 connections (this pool's 10, the claims' 1, search's 4, following the index's generations 2), so a
// server's default max_connections (100) serves five replicas. The schema carries a version (schema.ts).
import pg from "pg";
import { extractEntities } from "../text/entities.js";
import { TURN_TTL_MS, type Turn } from "../chat/follow-up.js";
import { PgRecords } from "./records.js";
import { ensureSchema } from "./schema.js";
import {
  answerId,
  forButtons,
  PENDING_MS,
  type PendingAction,
  type RateOptions,
  type StateStore,
  type StoredAnswer,
  type UpdateClaim,
  type Vote,
} from "./store.js";

/** Answers (and their votes) older than this are deleted; a button pressed later says the answer expired. */
const ANSWER_TTL = "30 days";
/** Handled update ids are kept this long (Telegram redelivers for about a day at most). */
const UPDATE_TTL = "2 days";
/** Every this many new answers, the expired rows of every table are deleted. */
const PRUNE_EVERY = 500;
/** The advisory-lock keys of update claims: this prefix (ASCII "du") above the update id. */
const CLAIM_PREFIX = BigInt(0x6475) << 40n;

export class PgState implements StateStore {
  readonly kind = "postgres" as const;
  private puts = 0;
  private recordsOf: PgRecords | undefined;
  /** The connection holding this process's claims (opened when first needed, again after it broke). */
  private claims: Promise<pg.Client> | undefined;
  /** The updates this process has claimed (a session lock is re-entrant: a redelivery here must not pass it). */
  private readonly holding = new Set<number>();
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  /** Connects, creates or checks the schema, and returns the store. */
  static async connect(url: string): Promise<PgState> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client whose server went away emits an error; the pool replaces it (without this it would throw).
    pool.on("error", () => undefined);
    try {
      await ensureSchema(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgState(url, pool);
  }

  /** The claims' connection; a broken one is forgotten (its locks went with it) and the next claim opens another. */
  private claimSession(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error("the state store is closed"));
    if (!this.claims) {
      const client = new pg.Client({ connectionString: this.url });
      const session = client.connect().then(() => client);
      const forget = (): void => {
        if (this.claims === session) this.claims = undefined;
      };
      client.on("error", forget);
      client.on("end", forget);
      session.catch(forget);
      this.claims = session;
    }
    return this.claims;
  }

  /** Feedback, audit and the questions counted for /stats, on this store's connections. */
  records(): PgRecords {
    return (this.recordsOf ??= new PgRecords(this.pool));
  }

  async putAnswer(answer: StoredAnswer): Promise<string> {
    const id = answerId();
    await this.pool.query("INSERT INTO bot_answers (id, chat_id, result) VALUES ($1, $2, $3)", [
      id,
      answer.chatId,
      JSON.stringify(forButtons(answer.result)),
    ]);
    if (++this.puts % PRUNE_EVERY === 0) await this.prune();
    return id;
  }

  async getAnswer(id: string, chatId: number | undefined): Promise<StoredAnswer | undefined> {
    if (chatId === undefined) return undefined;
    const r = await this.pool.query<{ result: StoredAnswer["result"] }>(
      `SELECT result FROM bot_answers WHERE id = $1 AND chat_id = $2 AND at > now() - interval '${ANSWER_TTL}'`,
      [id, chatId],
    );
    const row = r.rows[0];
    return row ? { result: row.result, chatId } : undefined;
  }

  async setVote(id: string, userId: number, vote: Vote): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO bot_votes AS v (answer_id, user_id, vote)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM bot_answers WHERE id = $1)
       ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = EXCLUDED.vote WHERE v.vote <> EXCLUDED.vote
       RETURNING 1`,
      [id, userId, vote],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async clearVote(id: string, userId: number): Promise<void> {
    await this.pool.query("DELETE FROM bot_votes WHERE answer_id = $1 AND user_id = $2", [id, userId]);
  }

  async take(bucket: string, key: string, cost: number, options: RateOptions): Promise<boolean> {
    // $3 the bucket's size, $4 the cost, $5 the refill time (ms); times in ms from the database's clock.
    const r = await this.pool.query(
      `INSERT INTO bot_buckets AS b (bucket, key, tokens, at_ms)
         SELECT $1, $2, $3::float8 - $4::float8, extract(epoch FROM clock_timestamp()) * 1000 WHERE $3 >= $4
       ON CONFLICT (bucket, key) DO UPDATE
         SET tokens = least($3::float8, b.tokens + (EXCLUDED.at_ms - b.at_ms) * $3::float8 / $5::float8) - $4,
             at_ms = EXCLUDED.at_ms
         WHERE least($3::float8, b.tokens + (EXCLUDED.at_ms - b.at_ms) * $3::float8 / $5::float8) >= $4
       RETURNING tokens`,
      [bucket, key, options.limit, cost, options.windowMs],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async lastTurn(chatId: number): Promise<Turn | undefined> {
    const r = await this.pool.query<{ question: string; at_ms: number }>(
      "SELECT question, at_ms FROM bot_turns WHERE chat_id = $1",
      [chatId],
    );
    const row = r.rows[0];
    return row ? { question: row.question, entities: extractEntities(row.question), at: Number(row.at_ms) } : undefined;
  }

  async remember(chatId: number, question: string, now = Date.now()): Promise<void> {
    await this.pool.query(
      `INSERT INTO bot_turns (chat_id, question, at_ms) VALUES ($1, $2, $3)
       ON CONFLICT (chat_id) DO UPDATE SET question = EXCLUDED.question, at_ms = EXCLUDED.at_ms`,
      [chatId, question, now],
    );
  }

  async claimUpdate(updateId: number): Promise<UpdateClaim | undefined> {
    if (this.holding.has(updateId)) return undefined;
    const key = (CLAIM_PREFIX + BigInt(updateId)).toString();
    this.holding.add(updateId);
    let session: pg.Client;
    try {
      session = await this.claimSession();
      const lock = await session.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
      if (!lock.rows[0]?.ok) {
        this.holding.delete(updateId);
        return undefined;
      }
      const done = await this.pool.query("SELECT 1 FROM bot_updates WHERE update_id = $1", [updateId]);
      if ((done.rowCount ?? 0) > 0) {
        await session.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
        this.holding.delete(updateId);
        return undefined;
      }
    } catch (err) {
      this.holding.delete(updateId);
      throw err;
    }
    let finished = false;
    return {
      finish: async () => {
        if (finished) return;
        finished = true;
        try {
          await this.pool.query("INSERT INTO bot_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING", [updateId]);
        } finally {
          // Whether or not it was recorded, the lock goes: unrecorded, a redelivery may then handle it again. On a
          // broken session the lock is gone already.
          await session.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
          this.holding.delete(updateId);
        }
      },
    };
  }

  async putPending(action: PendingAction): Promise<string> {
    const id = answerId();
    await this.pool.query(
      `INSERT INTO bot_pending (id, kind, name, bytes, user_id, chat_id, expires)
       VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 millisecond')`,
      [
        id,
        action.kind,
        action.name,
        action.bytes ? Buffer.from(action.bytes) : null,
        action.userId,
        action.chatId,
        PENDING_MS,
      ],
    );
    return id;
  }

  async takePending(
    id: string,
    userId: number | undefined,
    chatId: number | undefined,
  ): Promise<PendingAction | undefined> {
    if (userId === undefined || chatId === undefined) return undefined;
    // One statement: of two presses on two replicas, one gets the action.
    const r = await this.pool.query<{ kind: PendingAction["kind"]; name: string; bytes: Buffer | null; live: boolean }>(
      `DELETE FROM bot_pending WHERE id = $1 AND user_id = $2 AND chat_id = $3
       RETURNING kind, name, bytes, expires > now() AS live`,
      [id, userId, chatId],
    );
    const row = r.rows[0];
    if (!row?.live) return undefined;
    return {
      kind: row.kind,
      name: row.name,
      ...(row.bytes ? { bytes: new Uint8Array(row.bytes) } : {}),
      userId,
      chatId,
    };
  }

  /**
   * Deletes expired answers (their votes go with them), handled update ids, long-idle buckets and chats' turns
   * too old to be a follow-up's context (TURN_TTL_MS). Run every PRUNE_EVERY stored answers.
   */
  async prune(now = Date.now()): Promise<void> {
    await this.pool.query(`DELETE FROM bot_answers WHERE at < now() - interval '${ANSWER_TTL}'`);
    await this.pool.query("DELETE FROM bot_turns WHERE at_ms < $1", [now - TURN_TTL_MS]);
    await this.pool.query("DELETE FROM bot_pending WHERE expires < now()");
    await this.pool.query(`DELETE FROM bot_updates WHERE at < now() - interval '${UPDATE_TTL}'`);
    await this.pool.query("DELETE FROM bot_buckets WHERE at_ms < extract(epoch FROM now() - interval '1 day') * 1000");
  }

  async close(): Promise<void> {
    this.closed = true;
    const claims = this.claims;
    this.claims = undefined;
    await Promise.all([this.pool.end(), claims?.then((c) => c.end()).catch(() => undefined)]);
  }
}

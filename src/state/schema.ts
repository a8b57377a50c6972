// The PostgreSQL schema (the bot's state, the index's generations), with its version in the database. At start,
// under an advisory lock (replicas starting together migrate once): an empty database gets the tables; an older
// schema gets each migration after its version in order; a newer one (written by a later version of the bot) is
// refused with what to do, rather than read wrongly.
import type pg from "pg";

/** Each entry takes the schema from its index to its index + 1; the version is the list's length. */
const MIGRATIONS: string[] = [
  `CREATE TABLE bot_answers (
     id text PRIMARY KEY,
     chat_id bigint NOT NULL,
     result jsonb NOT NULL,
     at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX bot_answers_at ON bot_answers (at);
   CREATE TABLE bot_votes (
     answer_id text NOT NULL REFERENCES bot_answers (id) ON DELETE CASCADE,
     user_id bigint NOT NULL,
     vote text NOT NULL CHECK (vote IN ('up', 'down')),
     PRIMARY KEY (answer_id, user_id)
   );
   CREATE TABLE bot_turns (chat_id bigint PRIMARY KEY, question text NOT NULL, at_ms double precision NOT NULL);
   CREATE TABLE bot_buckets (
     bucket text NOT NULL,
     key text NOT NULL,
     tokens double precision NOT NULL,
     at_ms double precision NOT NULL,
     PRIMARY KEY (bucket, key)
   );
   CREATE TABLE bot_updates (update_id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());`,
  // The index's generations (search/pg-index.ts): each generation's files, and the one row naming the live one.
  `CREATE TABLE index_generations (
     id text PRIMARY KEY,
     manifest jsonb NOT NULL,
     at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE index_files (
     generation text NOT NULL REFERENCES index_generations (id) ON DELETE CASCADE,
     name text NOT NULL,
     bytes bytea NOT NULL,
     PRIMARY KEY (generation, name)
   );
   CREATE TABLE index_live (
     only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
     generation text NOT NULL REFERENCES index_generations (id),
     at timestamptz NOT NULL DEFAULT now()
   );`,
  // Admins' actions waiting for their confirmation button, pressed on whichever replica (state/store.ts).
  `CREATE TABLE bot_pending (
     id text PRIMARY KEY,
     kind text NOT NULL CHECK (kind IN ('overwrite', 'remove')),
     name text NOT NULL,
     bytes bytea,
     user_id bigint NOT NULL,
     chat_id bigint NOT NULL,
     expires timestamptz NOT NULL
   );`,
  // Search in SQL (search/pg-search.ts): each generation's chunk vectors (pgvector, HNSW, cosine) and its BM25
  // postings, one row per token (its chunks, term frequencies and the chunks' lengths, packed as int32 triples;
  // the document frequency is their count); rows go with their generation. The vector size is the embedding model's
  // (bge-small-zh-v1.5: 512). Each generation's vectors get an HNSW index of their own, built when it is published.
  `CREATE EXTENSION IF NOT EXISTS vector;
   CREATE TABLE index_chunks (
     generation text NOT NULL REFERENCES index_generations (id) ON DELETE CASCADE,
     idx integer NOT NULL,
     embedding vector(512) NOT NULL,
     PRIMARY KEY (generation, idx)
   );
   CREATE TABLE index_postings (
     generation text NOT NULL REFERENCES index_generations (id) ON DELETE CASCADE,
     token text NOT NULL,
     postings bytea NOT NULL,
     PRIMARY KEY (generation, token)
   );
   CREATE TABLE index_search (
     generation text PRIMARY KEY REFERENCES index_generations (id) ON DELETE CASCADE,
     chunks integer NOT NULL,
     avg_len double precision NOT NULL,
     k1 double precision NOT NULL,
     b double precision NOT NULL
   );`,
  // The bot's records, written by every replica (state/records.ts): 👍/👎, the admins' audit trail, the questions
  // /stats counts (a refused one with its text, cut); and the running index build's progress (search/pg-index.ts).
  `CREATE TABLE bot_feedback (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL,
     answer_id text,
     chat_id bigint NOT NULL,
     user_id bigint,
     vote text NOT NULL CHECK (vote IN ('up', 'down')),
     question text NOT NULL,
     answer text NOT NULL,
     record jsonb NOT NULL
   );
   CREATE TABLE bot_audit (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL,
     user_id bigint,
     chat_id bigint,
     action text NOT NULL,
     outcome text NOT NULL,
     target text,
     detail text
   );
   CREATE TABLE bot_asks (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL,
     answered boolean NOT NULL,
     ms integer NOT NULL,
     question text
   );
   CREATE INDEX bot_asks_at ON bot_asks (at);
   CREATE TABLE index_build (
     only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
     holder text NOT NULL,
     started timestamptz NOT NULL,
     progress jsonb,
     finished timestamptz,
     report jsonb,
     failed text
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory-lock key under which the schema is created or migrated ("duik" in ASCII). */
const SCHEMA_LOCK = 0x6475696b;

export class SchemaError extends Error {}

/** Creates or migrates the schema to SCHEMA_VERSION; throws SchemaError for a database of a later version. */
export async function ensureSchema(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    return await migrate(client);
  } finally {
    client.release();
  }
}

/** As ensureSchema, on one connection (not in a transaction). */
export async function migrate(client: pg.ClientBase): Promise<number> {
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS duikou_schema (name text PRIMARY KEY, version integer NOT NULL)");
    const r = await client.query<{ version: number }>("SELECT version FROM duikou_schema WHERE name = 'duikou'");
    const found = r.rows[0]?.version ?? 0;
    if (found > SCHEMA_VERSION) {
      throw new SchemaError(
        `the database's schema is version ${found}, this bot knows up to ${SCHEMA_VERSION}: ` +
          "it was written by a later version of the bot; run that version (or a later one) against it",
      );
    }
    for (let v = found; v < SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v] ?? "");
    await client.query(
      `INSERT INTO duikou_schema (name, version) VALUES ('duikou', $1)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version`,
      [SCHEMA_VERSION],
    );
    await client.query("COMMIT");
    return found;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

// The index in PostgreSQL (DATABASE_URL): every generation's files in the database and one row naming the live
// generation, so that every replica serves the same index and a re-index on any of them reaches all.
//   build:   one at a time across replicas (a session advisory lock held for the build); the builder first takes
//            the live generation from the database, so unchanged chunks keep their vectors; then builds beside
//            it as on one machine (index-store.ts) and publishes the new generation: its files and the switch of
//            the live row in one transaction, then NOTIFY. A build killed at any point publishes nothing, and
//            the last good generation keeps serving everywhere.
//   serve:   each replica keeps the live generation in INDEX_DIR (its own cache, never shared between processes),
//            loads it as the embedded index, and follows the live row (LISTEN, and a poll in case a
//            notification is missed): a new generation is fetched beside the served one and swapped in without a
//            restart.
//   search:  the dense and BM25 searches run in SQL over the rows each generation publishes with its files
//            (pg-search.ts); chunk texts, sentence vectors and figures are read from the loaded copy. Retrieval is
//            otherwise the one code path of the embedded index, so the answers are the same on either store.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../state/schema.js";
import { float32s } from "./binary.js";
import type { Bm25Data } from "./bm25.js";
import { GENERATION_FILES, liveGeneration, switchLive, type BuildProgress, type BuildReport } from "./index-store.js";
import { dropSearchIndexes, PgSearch, poolFor, writeSearchRows } from "./pg-search.js";

/** The advisory-lock key of the index build ("dubl" in ASCII): one build at a time across replicas. */
const BUILD_LOCK = 0x6475626c;
/** The channel a published generation is announced on. */
export const INDEX_CHANNEL = "duikou_index";
/** How often a follower checks the live row besides listening (a notification can be missed on a reconnect). */
const FOLLOW_POLL_MS = 5000;

/** A re-index on another replica holds the build lock. */
export class SharedBuildBusyError extends Error {
  constructor() {
    super("a re-index is already running on another replica");
  }
}

/** Databases whose schema this process has checked already (the follower's 5 s poll need not check it again). */
const migrated = new Set<string>();

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    if (!migrated.has(url)) {
      await migrate(client);
      migrated.add(url);
    }
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A short read on one of the process's pooled connections (the follower's 5 s poll, an admin following another
 * replica's build every 1.5 s), rather than a connection opened and closed each time; the first use of a
 * database in this process opens its own to check the schema.
 */
async function pooled<T>(url: string, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!migrated.has(url)) return connected(url, work);
  const client = await poolFor(url).connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (err) {
    // A connection that failed is closed rather than handed to the next search.
    client.release(true);
    throw err;
  }
}

/** The live generation's id in the database, or undefined when none was published. */
export function liveInDatabase(url: string): Promise<string | undefined> {
  return pooled(url, async (client) => {
    const r = await client.query<{ generation: string }>("SELECT generation FROM index_live");
    return r.rows[0]?.generation;
  });
}

/**
 * Makes indexDir serve the database's live generation: fetched into a folder of that name beside the one served
 * (each file written whole, the manifest last) and switched in. Returns its id, or undefined when the database
 * has none; a generation indexDir serves already is not fetched again.
 */
export async function pullGeneration(url: string, indexDir: string): Promise<string | undefined> {
  return connected(url, async (client) => {
    const live = await client.query<{ generation: string }>("SELECT generation FROM index_live");
    const id = live.rows[0]?.generation;
    if (!id || (await liveGeneration(indexDir)) === id) return id;
    const files = await client.query<{ name: string; bytes: Buffer }>(
      "SELECT name, bytes FROM index_files WHERE generation = $1",
      [id],
    );
    const dir = join(indexDir, id);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const byName = new Map(files.rows.map((f) => [f.name, f.bytes]));
    for (const name of GENERATION_FILES) {
      const bytes = byName.get(name);
      if (!bytes) throw new Error(`generation ${id} in the database lacks ${name}`);
      await writeFile(join(dir, name), bytes);
    }
    await switchLive(indexDir, id);
    return id;
  });
}

/**
 * Publishes indexDir's live generation as the database's: its files, and the live row switched to it, in one
 * transaction; generations other than it and the one it replaces are deleted. Announced on INDEX_CHANNEL.
 */
export async function publishGeneration(url: string, indexDir: string): Promise<string> {
  const id = await liveGeneration(indexDir);
  if (!id) throw new Error(`no index generation in ${indexDir} to publish`);
  const files = await Promise.all(
    GENERATION_FILES.map(async (name) => ({ name, bytes: await readFile(join(indexDir, id, name)) })),
  );
  const manifest = JSON.parse(files.find((f) => f.name === "manifest.json")?.bytes.toString("utf8") ?? "{}") as object;
  return connected(url, async (client) => {
    await client.query("BEGIN");
    try {
      const previous = await client.query<{ generation: string }>("SELECT generation FROM index_live FOR UPDATE");
      if (previous.rows[0]?.generation === id) {
        await client.query("ROLLBACK");
        return id;
      }
      await client.query("INSERT INTO index_generations (id, manifest) VALUES ($1, $2)", [
        id,
        JSON.stringify(manifest),
      ]);
      for (const f of files)
        await client.query("INSERT INTO index_files (generation, name, bytes) VALUES ($1, $2, $3)", [
          id,
          f.name,
          f.bytes,
        ]);
      await writeSearchRowsOf(client, id, (name) => files.find((f) => f.name === name)?.bytes);
      await client.query(
        `INSERT INTO index_live (only_row, generation, at) VALUES (true, $1, now())
         ON CONFLICT (only_row) DO UPDATE SET generation = EXCLUDED.generation, at = EXCLUDED.at`,
        [id],
      );
      const keep = [id, ...(previous.rows[0] ? [previous.rows[0].generation] : [])];
      const gone = await client.query<{ id: string }>(
        "DELETE FROM index_generations WHERE NOT (id = ANY($1)) RETURNING id",
        [keep],
      );
      await dropSearchIndexes(
        client,
        gone.rows.map((r) => r.id),
      );
      await client.query(`NOTIFY ${INDEX_CHANNEL}, '${id.replace(/[^\w-]/g, "")}'`);
      await client.query("COMMIT");
      return id;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/** Writes a generation's search rows (pg-search.ts) from its files' bytes; false when it has another vector size. */
async function writeSearchRowsOf(
  client: pg.ClientBase,
  id: string,
  file: (name: string) => Buffer | undefined,
): Promise<boolean> {
  const vectorBytes = file("vectors.f32");
  const bm25Bytes = file("bm25.json");
  if (!vectorBytes || !bm25Bytes) throw new Error(`generation ${id} lacks vectors.f32 or bm25.json`);
  return writeSearchRows(client, id, float32s(vectorBytes), JSON.parse(bm25Bytes.toString("utf8")) as Bm25Data);
}

/**
 * The searches of the database's generation `id`, writing its search rows first when it was published before
 * search ran in SQL (schema 3); undefined when its vectors are of another size than the schema's (searched in
 * process then).
 */
export async function searchInDatabase(url: string, id: string): Promise<PgSearch | undefined> {
  const search = await PgSearch.open(url, id);
  if (search) return search;
  await connected(url, async (client) => {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [BUILD_LOCK + 1]);
      const done = await client.query("SELECT 1 FROM index_search WHERE generation = $1", [id]);
      const files = await client.query<{ name: string; bytes: Buffer }>(
        "SELECT name, bytes FROM index_files WHERE generation = $1 AND name IN ('vectors.f32', 'bm25.json')",
        [id],
      );
      if (!done.rowCount && files.rowCount === 2) {
        await writeSearchRowsOf(client, id, (name) => files.rows.find((f) => f.name === name)?.bytes);
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
  return PgSearch.open(url, id);
}

/** The latest build's row (index_build): who builds, how far it is, and how it ended. */
export interface SharedBuild {
  /** Whether a build holds the lock now (its row may be that of a build that ended or died). */
  running: boolean;
  holder: string;
  started: Date;
  progress: BuildProgress | undefined;
  finished: Date | undefined;
  report: BuildReport | undefined;
  failed: string | undefined;
}

/** The build's progress is written to the database at most this often. */
const PROGRESS_WRITE_MS = 1000;

/**
 * The running build's row, written on the session that holds the build lock: progress as it comes (throttled),
 * then the report or the failure. Writes are queued on that one connection, never read back.
 */
class BuildBoard {
  private lastWrite = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: pg.Client) {}

  start(): Promise<unknown> {
    return this.write(
      `INSERT INTO index_build (holder, started) VALUES ($1, now())
       ON CONFLICT (only_row) DO UPDATE
         SET holder = EXCLUDED.holder, started = now(), progress = NULL, finished = NULL, report = NULL, failed = NULL`,
      [`${hostname()}:${process.pid}`],
    );
  }

  progress(p: BuildProgress): void {
    const now = Date.now();
    if (now - this.lastWrite < PROGRESS_WRITE_MS) return;
    this.lastWrite = now;
    void this.write("UPDATE index_build SET progress = $1", [JSON.stringify(p)]).catch(() => undefined);
  }

  finish(outcome: { report?: unknown; failed?: string }): Promise<unknown> {
    const report = outcome.report && typeof outcome.report === "object" ? JSON.stringify(outcome.report) : null;
    return this.write("UPDATE index_build SET finished = now(), report = $1, failed = $2", [
      report,
      outcome.failed ?? null,
    ]);
  }

  private write(sql: string, values: unknown[]): Promise<unknown> {
    const next = this.writing.then(() => this.client.query(sql, values));
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/** The latest build's row and whether a build runs now; undefined when no build ever ran on this database. */
export function sharedBuild(url: string): Promise<SharedBuild | undefined> {
  return pooled(url, async (client) => {
    const r = await client.query<{
      holder: string;
      started: Date;
      progress: BuildProgress | null;
      finished: Date | null;
      report: BuildReport | null;
      failed: string | null;
      running: boolean;
    }>(
      `SELECT holder, started, progress, finished, report, failed,
              EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1
                        AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                     ) AS running
         FROM index_build`,
      [BUILD_LOCK],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      running: row.running,
      holder: row.holder,
      started: row.started,
      progress: row.progress ?? undefined,
      finished: row.finished ?? undefined,
      report: row.report ?? undefined,
      failed: row.failed ?? undefined,
    };
  });
}

/**
 * Runs `build` holding the cross-replica build lock, after taking the database's live generation into indexDir
 * (so the build reuses its vectors), and publishes what it built. When another replica is building, throws
 * SharedBuildBusyError, or with `wait` waits for it to finish (a start, `npm run ingest`, an upload's re-index).
 * The lock is a session lock: a builder that dies releases it with its connection. The build's progress and
 * outcome go to the index_build row, where a /reindex on any replica reads them (sharedBuild).
 */
export async function withSharedBuild<T>(
  url: string,
  indexDir: string,
  build: (progress: (p: BuildProgress) => void) => Promise<T>,
  options: { wait?: boolean } = {},
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await migrate(client);
    if (options.wait) await client.query("SELECT pg_advisory_lock($1)", [BUILD_LOCK]);
    else {
      const lock = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [BUILD_LOCK]);
      if (!lock.rows[0]?.ok) throw new SharedBuildBusyError();
    }
    const board = new BuildBoard(client);
    await board.start();
    try {
      await pullGeneration(url, indexDir);
      const result = await build((p) => board.progress(p));
      await publishGeneration(url, indexDir);
      await board.finish({ report: result });
      return result;
    } catch (err) {
      await board.finish({ failed: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
      throw err;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Calls `onGeneration(id)` whenever the database's live generation changes (a notification, or the poll finding
 * it); returns the function that stops following. Errors (the database away for a while) are passed to onError
 * and following goes on.
 */
export function followGenerations(
  url: string,
  onGeneration: (id: string) => Promise<void>,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let seen: string | undefined;
  let listener: pg.Client | undefined;
  let checking = Promise.resolve();
  const check = (): void => {
    checking = checking
      .then(async () => {
        if (stopped) return;
        const id = await liveInDatabase(url);
        if (id && id !== seen) {
          await onGeneration(id);
          seen = id;
        }
      })
      .catch(onError);
  };
  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => undefined);
    client.on("notification", () => check());
    client.on("end", () => {
      if (!stopped) setTimeout(() => void listen().catch(onError), FOLLOW_POLL_MS);
    });
    await client.connect();
    await client.query(`LISTEN ${INDEX_CHANNEL}`);
    listener = client;
  };
  void listen().catch(onError);
  const timer = setInterval(check, FOLLOW_POLL_MS);
  timer.unref();
  check();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await checking;
    await listener?.end().catch(() => undefined);
  };
}

// Search in SQL (DATABASE_URL): the dense and BM25 searches of hybrid retrieval run in PostgreSQL, over the rows
// a generation publishes with its files (pg-index.ts), so that every replica searches the one shared index.
//   dense:   pgvector's HNSW index of the generation's chunk vectors (a partial index per generation, built over
//            its rows when it is published, dropped with it), cosine distance;
//   BM25:    postings, one row per token (its chunks, term frequencies and chunk lengths packed as int32 triples;
//            its document frequency their count): the query's rows are fetched by key and scored in the replica
//            with the Okapi formula and k1, b of bm25.ts, so that the scores are those of the index in process.
//            (Scoring in SQL, by unnest and GROUP BY, took p50 55–98 ms at 10^5 chunks against ~10 ms here.)
// Chunk texts, sentence vectors and the figure table stay in the generation each replica loads: the answerer
// reads them for the few passages retrieved.
import pg from "pg";
import { hnswEf, type SearchBackend } from "./search-backend.js";
import { int32s } from "./binary.js";
import type { Bm25Data } from "./bm25.js";

/** The vector size the schema's HNSW column holds (bge-small-zh-v1.5). Other models search in process. */
export const SQL_VECTOR_DIMENSION = 512;

/** The hnsw.ef_search each pooled connection has set. */
const efOf = new WeakMap<pg.PoolClient, number>();

/** Rows inserted per statement when a generation's search rows are written, and postings bytes. */
const BATCH_ROWS = 5000;
const BATCH_BYTES = 8 << 20;

/** One pool per database for the searches of this process; idle connections let a command-line run exit. */
const pools = new Map<string, pg.Pool>();

/** The process's pool for a database: its searches, and the small reads polled often (pg-index.ts). */
export function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    pool.on("error", () => undefined);
    pools.set(url, pool);
  }
  return pool;
}

const vectorLiteral = (v: ArrayLike<number>): string => `[${Array.from(v, (x) => String(x)).join(",")}]`;

/**
 * Writes a generation's search rows (in the caller's transaction): its chunk vectors, postings and document
 * frequencies. Returns false, writing nothing, when the vectors are not SQL_VECTOR_DIMENSION long.
 */
export async function writeSearchRows(
  client: pg.ClientBase,
  generation: string,
  vectors: Float32Array,
  bm25: Bm25Data,
): Promise<boolean> {
  const count = bm25.docLengths.length;
  if (count === 0 || vectors.length !== count * SQL_VECTOR_DIMENSION) return false;
  for (let from = 0; from < count; from += BATCH_ROWS) {
    const ids: number[] = [];
    const literals: string[] = [];
    for (let i = from; i < Math.min(count, from + BATCH_ROWS); i++) {
      ids.push(i);
      literals.push(vectorLiteral(vectors.subarray(i * SQL_VECTOR_DIMENSION, (i + 1) * SQL_VECTOR_DIMENSION)));
    }
    await client.query(
      "INSERT INTO index_chunks (generation, idx, embedding) SELECT $1, unnest($2::int[]), unnest($3::text[])::vector",
      [generation, ids, literals],
    );
  }
  // One row per token: its chunks, term frequencies and the chunks' lengths, packed as int32 triples.
  let tokens: string[] = [];
  let packed: Buffer[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (tokens.length === 0) return;
    await client.query(
      "INSERT INTO index_postings (generation, token, postings) SELECT $1, unnest($2::text[]), unnest($3::bytea[])",
      [generation, tokens, packed],
    );
    [tokens, packed, bytes] = [[], [], 0];
  };
  for (const [token, list] of Object.entries(bm25.postings)) {
    const triples = new Int32Array((list.length / 2) * 3);
    for (let i = 0, j = 0; i < list.length; i += 2, j += 3) {
      const idx = list[i] ?? 0;
      triples[j] = idx;
      triples[j + 1] = list[i + 1] ?? 0;
      triples[j + 2] = bm25.docLengths[idx] ?? 0;
    }
    tokens.push(token);
    packed.push(Buffer.from(triples.buffer));
    bytes += triples.byteLength;
    if (bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  // The generation's own HNSW graph, built over its rows at once (faster than row by row, and a search of it
  // never meets another generation's rows). Memory for the build as hnswlib's in process would take.
  await client.query("SET LOCAL maintenance_work_mem = '1GB'");
  await dropSearchIndexes(client, [generation]);
  await client.query(
    `CREATE INDEX ${hnswIndexName(generation)} ON index_chunks USING hnsw (embedding vector_cosine_ops)
     WITH (m = 16, ef_construction = 200) WHERE generation = ${literal(generation)}`,
  );
  // Fresh statistics, or the planner reads a generation's rows by its key instead of the HNSW and postings indexes.
  for (const table of ["index_chunks", "index_postings"]) await client.query(`ANALYZE ${table}`);
  const total = bm25.docLengths.reduce((a, b) => a + b, 0);
  await client.query("INSERT INTO index_search (generation, chunks, avg_len, k1, b) VALUES ($1, $2, $3, $4, $5)", [
    generation,
    count,
    count ? total / count : 1,
    bm25.k1,
    bm25.b,
  ]);
  return true;
}

/** A generation id as an SQL literal (ids are gen-<time>-<pid>: letters, digits, - and _ only). */
function literal(generation: string): string {
  if (!/^[\w-]+$/.test(generation)) throw new Error(`not a generation id: ${generation}`);
  return `'${generation}'`;
}

/** The name of a generation's HNSW index. */
export function hnswIndexName(generation: string): string {
  return `index_chunks_hnsw_${generation.toLowerCase().replace(/[^a-z0-9]/g, "_")}`;
}

/** Drops the HNSW indexes of generations deleted (their rows go with them by cascade). */
export async function dropSearchIndexes(client: pg.ClientBase, generations: string[]): Promise<void> {
  for (const g of generations) await client.query(`DROP INDEX IF EXISTS ${hnswIndexName(g)}`);
}

/** The searches of one published generation in PostgreSQL. */
export class PgSearch implements SearchBackend {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    readonly generation: string,
  ) {
    this.pool = poolFor(url);
  }

  /** The generation's search, or undefined when it has no search rows (another vector size). */
  static async open(url: string, generation: string): Promise<PgSearch | undefined> {
    const r = await poolFor(url).query("SELECT 1 FROM index_search WHERE generation = $1", [generation]);
    return r.rowCount ? new PgSearch(url, generation) : undefined;
  }

  async dense(vector: number[], k: number): Promise<Map<number, number>> {
    const client = await this.pool.connect();
    try {
      // As in process (hnswEf), set on the connection when it changes.
      const ef = hnswEf(k);
      if (efOf.get(client) !== ef) {
        await client.query(`SET hnsw.ef_search = ${ef}`);
        efOf.set(client, ef);
      }
      // The generation as a literal, so that the planner matches it to the generation's own (partial) index.
      const r = await client.query<{ idx: number; sim: number }>(
        `SELECT idx, 1 - (embedding <=> $1::vector) AS sim FROM index_chunks
         WHERE generation = ${literal(this.generation)} ORDER BY embedding <=> $1::vector LIMIT $2`,
        [vectorLiteral(vector), k],
      );
      return new Map(r.rows.map((row) => [row.idx, Number(row.sim)]));
    } finally {
      client.release();
    }
  }

  /** The generation's BM25 figures (chunks, average length, k1, b), read once. */
  private stats: Promise<{ chunks: number; avg_len: number; k1: number; b: number }> | undefined;

  async lexical(tokens: string[], k: number): Promise<Map<number, number>> {
    if (tokens.length === 0) return new Map();
    this.stats ??= this.pool
      .query<{ chunks: number; avg_len: number; k1: number; b: number }>(
        "SELECT chunks, avg_len, k1, b FROM index_search WHERE generation = $1",
        [this.generation],
      )
      .then((r) => r.rows[0] ?? { chunks: 0, avg_len: 1, k1: 1.2, b: 0.75 });
    const [{ chunks, avg_len: avgLength, k1, b }, r] = await Promise.all([
      this.stats,
      this.pool.query<{ postings: Buffer }>(
        // In the query's order, as in process: equal scores then rank alike.
        `SELECT postings FROM index_postings WHERE generation = $1 AND token = ANY($2::text[])
         ORDER BY array_position($2::text[], token)`,
        [this.generation, [...new Set(tokens)]],
      ),
    ]);
    // Scored here as bm25.ts scores in process: the same formula over the same postings gives the same scores.
    const scores = new Map<number, number>();
    for (const { postings } of r.rows) {
      const triples = int32s(postings);
      const df = triples.length / 3;
      const idf = Math.log(1 + (chunks - df + 0.5) / (df + 0.5));
      for (let j = 0; j < triples.length; j += 3) {
        const doc = triples[j] ?? 0;
        const tf = triples[j + 1] ?? 0;
        const norm = tf + k1 * (1 - b + (b * (triples[j + 2] ?? 0)) / avgLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * (tf * (k1 + 1))) / norm);
      }
    }
    return new Map([...scores.entries()].sort((x, y) => y[1] - x[1]).slice(0, k));
  }
}

// Search in SQL (DATABASE_URL): the dense and BM25 searches of hybrid retrieval run in PostgreSQL, over the rows
// a generation publishes with its files (pg-index.ts), so that every replica searches the one shared index.
//   dense:   pgvector's HNSW index on the chunk vectors, cosine distance, the live generation's rows only (an
//            iterative scan, so that another generation's rows in the same graph never leave it short of k);
//   BM25:    postings (token → chunk, term frequency, chunk length) and each token's document frequency, scored
//            with the same Okapi formula and k1, b as bm25.ts, so that the scores are those of the index in process.
// Chunk texts, sentence vectors and the figure table stay in the generation each replica loads: the answerer
// reads them for the few passages retrieved.
import pg from "pg";
import type { SearchBackend } from "./search-backend.js";
import type { Bm25Data } from "./bm25.js";

/** The vector size the schema's HNSW column holds (bge-small-zh-v1.5). Other models search in process. */
export const SQL_VECTOR_DIMENSION = 512;

/** The hnsw.ef_search each pooled connection has set. */
const efOf = new WeakMap<pg.PoolClient, number>();

/** Rows inserted per statement when a generation's search rows are written. */
const BATCH_ROWS = 5000;

/** One pool per database for the searches of this process; idle connections let a command-line run exit. */
const pools = new Map<string, pg.Pool>();

function poolFor(url: string): pg.Pool {
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
  let tokens: string[] = [];
  let idxs: number[] = [];
  let tfs: number[] = [];
  let lens: number[] = [];
  const flush = async (): Promise<void> => {
    if (tokens.length === 0) return;
    await client.query(
      `INSERT INTO index_postings (generation, token, idx, tf, len)
       SELECT $1, unnest($2::text[]), unnest($3::int[]), unnest($4::int[]), unnest($5::int[])`,
      [generation, tokens, idxs, tfs, lens],
    );
    [tokens, idxs, tfs, lens] = [[], [], [], []];
  };
  const terms: string[] = [];
  const dfs: number[] = [];
  for (const [token, list] of Object.entries(bm25.postings)) {
    terms.push(token);
    dfs.push(list.length / 2);
    for (let i = 0; i < list.length; i += 2) {
      const idx = list[i] ?? 0;
      tokens.push(token);
      idxs.push(idx);
      tfs.push(list[i + 1] ?? 0);
      lens.push(bm25.docLengths[idx] ?? 0);
    }
    if (tokens.length >= BATCH_ROWS) await flush();
  }
  await flush();
  for (let from = 0; from < terms.length; from += BATCH_ROWS) {
    await client.query(
      "INSERT INTO index_terms (generation, token, df) SELECT $1, unnest($2::text[]), unnest($3::int[])",
      [generation, terms.slice(from, from + BATCH_ROWS), dfs.slice(from, from + BATCH_ROWS)],
    );
  }
  // Fresh statistics, or the planner reads a generation's rows by its key instead of the HNSW and postings indexes.
  for (const table of ["index_chunks", "index_postings", "index_terms"]) await client.query(`ANALYZE ${table}`);
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
      // As in process: a candidate list twice k (at least 64), set on the connection when it changes.
      const ef = Math.max(k * 2, 64);
      if (efOf.get(client) !== ef) {
        // The scan goes on past other generations' rows in the one graph, so that the live one's k are found.
        await client.query(`SET hnsw.iterative_scan = relaxed_order; SET hnsw.ef_search = ${ef}`);
        efOf.set(client, ef);
      }
      const r = await client.query<{ idx: number; sim: number }>(
        `SELECT idx, 1 - (embedding <=> $2::vector) AS sim FROM index_chunks
         WHERE generation = $1 ORDER BY embedding <=> $2::vector LIMIT $3`,
        [this.generation, vectorLiteral(vector), k],
      );
      return new Map(r.rows.map((row) => [row.idx, Number(row.sim)]));
    } finally {
      client.release();
    }
  }

  async lexical(tokens: string[], k: number): Promise<Map<number, number>> {
    if (tokens.length === 0) return new Map();
    const r = await this.pool.query<{ idx: number; score: number }>(
      `WITH s AS (SELECT chunks, avg_len, k1, b FROM index_search WHERE generation = $1),
       t AS (
         SELECT it.token, ln(1 + (s.chunks - it.df + 0.5) / (it.df + 0.5)) AS idf
         FROM index_terms it, s WHERE it.generation = $1 AND it.token = ANY($2::text[])
       )
       SELECT p.idx, SUM(t.idf * p.tf * (s.k1 + 1) / (p.tf + s.k1 * (1 - s.b + s.b * p.len / s.avg_len))) AS score
       FROM t JOIN index_postings p ON p.generation = $1 AND p.token = t.token, s
       GROUP BY p.idx ORDER BY score DESC, p.idx LIMIT $3`,
      [this.generation, [...new Set(tokens)], k],
    );
    return new Map(r.rows.map((row) => [row.idx, Number(row.score)]));
  }
}

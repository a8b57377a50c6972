// The archive-scale benchmark (`npm run bench -- --scale N`): retrieval and answers over an archive of N chunks,
// in process and on PostgreSQL, in one run.
//   archive: the CMRC 2018 and DRCD dev passages, indexed for real (their sentences embedded by the model), plus
//            copies of them with every digit changed (1.32亿元 → 2.43亿元: what an archive's yearly reports look like)
//            until there are N chunks. A copy is not embedded again (10^5 chunks take half an hour here): its
//            vector is the original's moved by noise sized so that its cosine to the original is what the model
//            gives a chunk whose figures changed (measured on a sample of chunks at the start), and its sentences
//            share the original's sentence vectors. Its words (BM25) are its own.
//   asked:   CMRC questions whose passage is in the archive: hybrid hit@1 (the top passage is the question's own
//            passage, not a copy), retrieval and answer latency (the question's vectors computed beforehand, so
//            both stores are timed on the same work; the embedding's own time is given apart), and the dense
//            side's recall@10 against exact search over all N vectors.
//   stores:  the embedded index (hnswlib, BM25 in memory) built in this process; then the same generation's rows
//            written to DATABASE_URL (pg-search.ts) and searched in SQL.
import { readFile } from "node:fs/promises";
import { Document } from "@langchain/core/documents";
import pg from "pg";
import type { App } from "../app.js";
import { answerQuestion } from "../answer/pipeline.js";
import { indexText, type Chunk, type ChunkMetadata } from "../corpus/chunk.js";
import { Bm25Index } from "../search/bm25.js";
import type { TransformersEmbeddings } from "../search/embedder.js";
import { buildHnsw, buildSentenceVectors, chunkVector, loadIndex, type LoadedIndex } from "../search/index-store.js";
import { dropSearchIndexes, PgSearch, writeSearchRows, SQL_VECTOR_DIMENSION } from "../search/pg-search.js";
import { HybridRetriever } from "../search/retriever.js";
import { inProcessSearch, type SearchBackend } from "../search/search-backend.js";
import { migrate } from "../state/schema.js";
import { tokenize } from "../text/tokenize.js";
import { percentile } from "./metrics.js";

/** Every digit moved on by `copy` (length and offsets kept): the copy's figures differ from the original's. */
export function shiftDigits(text: string, copy: number): string {
  return text.replace(/[0-9]/g, (d) => String((Number(d) + copy) % 10));
}

/** A small deterministic random source (mulberry32), so that runs build the same archive. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A unit vector near `v`: v plus random noise of norm `sigma`, normalised (cosine to v ≈ 1/√(1+σ²)). */
function nearby(v: Float32Array, sigma: number, rnd: () => number): Float32Array {
  const noise = Float32Array.from(v, () => {
    // Box–Muller: a normal deviate.
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  });
  const nn = Math.hypot(...noise);
  const out = Float32Array.from(v, (x, i) => x + (sigma * (noise[i] ?? 0)) / nn);
  const norm = Math.hypot(...out);
  return out.map((x) => x / norm);
}

const dot = (a: ArrayLike<number>, b: Float32Array, at: number, dim: number): number => {
  let s = 0;
  for (let i = 0; i < dim; i++) s += (a[i] ?? 0) * (b[at + i] ?? 0);
  return s;
};

export interface ScaleQuestion {
  question: string;
  source: string;
}

/** CMRC questions whose passage the base archive holds, every `step`-th, up to `count`. */
export async function scaleQuestions(file: string, folder: string, count: number): Promise<ScaleQuestion[]> {
  const data = JSON.parse(await readFile(file, "utf8")) as {
    context_id: string;
    qas: { query_text: string }[];
  }[];
  const all = data.flatMap((e) =>
    e.qas.map((q) => ({ question: q.query_text, source: `${folder}/${e.context_id}.txt` })),
  );
  const step = Math.max(1, Math.floor(all.length / count));
  return all.filter((_, i) => i % step === 0).slice(0, count);
}

/** The archive of N chunks: the base index's own, then its copies. */
export interface ScaleArchive {
  index: LoadedIndex;
  baseChunks: number;
  copies: number;
  /** The cosine between an original chunk's vector and its copy's, as the model gives it (median of a sample). */
  copyCosine: number;
  buildSeconds: { copies: number; hnsw: number; bm25: number };
}

/** Builds the archive of `n` chunks from the base index in `baseDir` (see the header). */
export async function buildArchive(
  baseDir: string,
  n: number,
  embeddings: TransformersEmbeddings,
): Promise<ScaleArchive> {
  const base = await loadIndex(baseDir, embeddings.modelName);
  const dim = base.vectors.length / Math.max(base.chunks.length, 1);
  // The cosine of a chunk with changed figures to the original, on a sample of chunks that have digits.
  const sample = base.chunks.filter((c) => /[0-9]/.test(c.pageContent)).slice(0, 32);
  // Each moved chunk's vector is made as a build makes it: from its sentences' and title's vectors.
  const shifted = sample.map(
    (c) =>
      new Document<ChunkMetadata>({
        pageContent: shiftDigits(c.pageContent, 3),
        metadata: { ...c.metadata, title: shiftDigits(c.metadata.title, 3) },
      }),
  );
  const movedSentences = await buildSentenceVectors(shifted, base.sentences, dim, embeddings, () => undefined);
  const cosines = sample.map((c, i) => {
    const at = base.chunks.indexOf(c) * dim;
    return dot(chunkVector(shifted[i] as Chunk, movedSentences, dim), base.vectors, at, dim);
  });
  const copyCosine = percentile(cosines, 50);
  const sigma = Math.sqrt(1 / (copyCosine * copyCosine) - 1);

  let t = performance.now();
  const total = Math.max(n, base.chunks.length);
  const chunks: Chunk[] = [...base.chunks];
  const vectors = new Float32Array(total * dim);
  vectors.set(base.vectors.subarray(0, base.chunks.length * dim));
  const rnd = random(42);
  const row = new Map(base.sentences.row);
  for (let i = base.chunks.length; i < total; i++) {
    const copy = Math.floor(i / base.chunks.length);
    const original = base.chunks[i % base.chunks.length] as Chunk;
    const m = original.metadata;
    const metadata: ChunkMetadata = {
      ...m,
      chunkId: `copy${copy}/${m.chunkId}`,
      source: `copy${copy}/${m.source}`,
      title: shiftDigits(m.title, copy),
    };
    chunks.push(new Document<ChunkMetadata>({ pageContent: shiftDigits(original.pageContent, copy), metadata }));
    const o = (i % base.chunks.length) * dim;
    vectors.set(nearby(base.vectors.subarray(o, o + dim), sigma, rnd), i * dim);
  }
  // A copy's sentences share the original's vectors (their keys are the original's with the digits moved).
  const copies = Math.ceil(total / base.chunks.length) - 1;
  for (const [key, r] of base.sentences.row)
    if (/[0-9]/.test(key)) for (let c = 1; c <= copies; c++) row.set(shiftDigits(key, c), r);
  const copySeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const hnsw = buildHnsw(vectors, dim, total);
  const hnswSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const bm25 = Bm25Index.build(chunks.map((c) => tokenize(indexText(c))));
  const bm25Seconds = (performance.now() - t) / 1000;
  return {
    index: {
      ...base,
      manifest: { ...base.manifest, chunkCount: total },
      chunks,
      vectors,
      hnsw,
      bm25,
      sentences: { ...base.sentences, row },
    },
    baseChunks: base.chunks.length,
    copies,
    copyCosine: Number(copyCosine.toFixed(4)),
    buildSeconds: {
      copies: Number(copySeconds.toFixed(1)),
      hnsw: Number(hnswSeconds.toFixed(1)),
      bm25: Number(bm25Seconds.toFixed(1)),
    },
  };
}

export interface StoreFigures {
  retrievalMsP50: number;
  retrievalMsP95: number;
  askMsP50: number;
  askMsP95: number;
  /** Share of the exact 10 nearest chunks among the dense side's 10 best. */
  denseRecallAt10: number;
  hitAt1: number;
  /** The top passage is the question's passage or one of its copies (the same text, other figures). */
  hitAt1OrCopy: number;
  /** The top passage of each question, to compare the stores. */
  top: string[];
}

/** The question vectors computed beforehand; anything else is embedded by the model. */
function precomputed(
  embeddings: TransformersEmbeddings,
  query: Map<string, number[]>,
  question: Map<string, number[]>,
): TransformersEmbeddings {
  return Object.assign(Object.create(embeddings) as TransformersEmbeddings, {
    embedQuery: (q: string) =>
      Promise.resolve(query.get(q) ?? []).then((v) => (v.length ? v : embeddings.embedQuery(q))),
    embedQuestion: (q: string) =>
      Promise.resolve(question.get(q) ?? []).then((v) => (v.length ? v : embeddings.embedQuestion(q))),
  });
}

/** Retrieval and answers over the archive with one search backend. */
export async function measureStore(
  app: App,
  search: SearchBackend,
  questions: ScaleQuestion[],
  vectors: Map<string, number[]>,
  exact: Map<string, Set<number>>,
): Promise<StoreFigures> {
  const retriever = new HybridRetriever({
    index: app.index,
    embeddings: app.embeddings,
    options: app.retriever.options,
    search,
  });
  const on: App = { ...app, retriever };
  const retrievalMs: number[] = [];
  const askMs: number[] = [];
  let hits = 0;
  let copyHits = 0;
  let found = 0;
  const top: string[] = [];
  for (const q of questions) {
    let t = performance.now();
    const passages = await retriever.hybridSearch(q.question);
    retrievalMs.push(performance.now() - t);
    top.push(passages[0]?.chunk.metadata.chunkId ?? "");
    const topSource = passages[0]?.chunk.metadata.source ?? "";
    if (topSource === q.source) hits++;
    if (topSource.replace(/^copy\d+\//, "") === q.source) copyHits++;
    t = performance.now();
    await answerQuestion(on, q.question);
    askMs.push(performance.now() - t);
    const near = await search.dense(vectors.get(q.question) ?? [], app.retriever.options.candidates);
    const best = [...near.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const truth = exact.get(q.question) ?? new Set<number>();
    found += best.filter(([id]) => truth.has(id)).length;
  }
  const ms = (v: number[], p: number): number => Number(percentile(v, p).toFixed(1));
  return {
    retrievalMsP50: ms(retrievalMs, 50),
    retrievalMsP95: ms(retrievalMs, 95),
    askMsP50: ms(askMs, 50),
    askMsP95: ms(askMs, 95),
    denseRecallAt10: Number((found / Math.max(1, 10 * questions.length)).toFixed(3)),
    hitAt1: Number((hits / Math.max(1, questions.length)).toFixed(3)),
    hitAt1OrCopy: Number((copyHits / Math.max(1, questions.length)).toFixed(3)),
    top,
  };
}

export interface ScaleReport {
  chunks: number;
  baseChunks: number;
  copies: number;
  copyCosine: number;
  questions: number;
  buildSeconds: ScaleArchive["buildSeconds"];
  questionEmbedMsP50: number;
  embedded: Omit<StoreFigures, "top">;
  postgres?: Omit<StoreFigures, "top"> & { writeSeconds: number; rowsPerSecond: number; sameTop: number };
}

/** The whole benchmark: the archive, then each store; PostgreSQL when `databaseUrl` is given. */
export async function benchScale(opts: {
  baseDir: string;
  n: number;
  questions: ScaleQuestion[];
  app: App;
  databaseUrl?: string;
  log: (line: string) => void;
}): Promise<ScaleReport> {
  const { app: baseApp, questions, log } = opts;
  log(`building the archive of ${opts.n} chunks …`);
  const archive = await buildArchive(opts.baseDir, opts.n, baseApp.embeddings);
  const { index } = archive;
  const dim = index.vectors.length / index.chunks.length;
  log("embedding the questions and searching exactly …");
  const query = new Map<string, number[]>();
  const question = new Map<string, number[]>();
  const embedMs: number[] = [];
  const exact = new Map<string, Set<number>>();
  for (const q of questions) {
    const t = performance.now();
    query.set(q.question, await baseApp.embeddings.embedQuery(q.question));
    embedMs.push(performance.now() - t);
    question.set(q.question, await baseApp.embeddings.embedQuestion(q.question));
    const v = query.get(q.question) ?? [];
    const best: [number, number][] = [];
    for (let i = 0; i < index.chunks.length; i++) {
      const s = dot(v, index.vectors, i * dim, dim);
      if (best.length < 10 || s > (best[9]?.[1] ?? -Infinity)) {
        best.push([i, s]);
        best.sort((a, b) => b[1] - a[1]);
        best.length = Math.min(best.length, 10);
      }
    }
    exact.set(q.question, new Set(best.map(([i]) => i)));
  }
  const embeddings = precomputed(baseApp.embeddings, query, question);
  const retriever = new HybridRetriever({ index, embeddings, options: baseApp.retriever.options });
  const app: App = { ...baseApp, embeddings, index, retriever };
  log("asking in process …");
  const { top: topEmbedded, ...embedded } = await measureStore(app, inProcessSearch(index), questions, query, exact);
  const report: ScaleReport = {
    chunks: index.chunks.length,
    baseChunks: archive.baseChunks,
    copies: archive.copies,
    copyCosine: archive.copyCosine,
    questions: questions.length,
    buildSeconds: archive.buildSeconds,
    questionEmbedMsP50: Number(percentile(embedMs, 50).toFixed(1)),
    embedded,
  };
  if (!opts.databaseUrl) return report;
  if (dim !== SQL_VECTOR_DIMENSION) throw new Error(`vectors of ${dim} dimensions: PostgreSQL search takes 512`);
  const url = opts.databaseUrl;
  const generation = `scale-${opts.n}-${process.pid}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(client);
    log("writing the archive's rows to PostgreSQL …");
    await client.query("INSERT INTO index_generations (id, manifest) VALUES ($1, '{}')", [generation]);
    const t = performance.now();
    await client.query("BEGIN");
    await writeSearchRows(client, generation, index.vectors, index.bm25.toJSON());
    await client.query("COMMIT");
    const writeSeconds = (performance.now() - t) / 1000;
    log("asking on PostgreSQL …");
    const search = new PgSearch(url, generation);
    const { top, ...figures } = await measureStore(app, search, questions, query, exact);
    report.postgres = {
      ...figures,
      writeSeconds: Number(writeSeconds.toFixed(1)),
      rowsPerSecond: Math.round(index.chunks.length / writeSeconds),
      sameTop: Number((top.filter((id, i) => id === topEmbedded[i]).length / Math.max(1, top.length)).toFixed(3)),
    };
  } finally {
    await client.query("DELETE FROM index_generations WHERE id = $1", [generation]).catch(() => undefined);
    await dropSearchIndexes(client, [generation]).catch(() => undefined);
    await client.end();
  }
  return report;
}

// The persisted index: chunks, their vectors (hnswlib-node), BM25 postings and a manifest, built into a fresh
// generation folder and swapped in by renaming a symlink, so a failed or killed build leaves the previous index
// serving. Re-indexing is incremental: a file whose bytes are unchanged keeps its chunks and vectors; a changed
// file is re-read; a deleted file disappears.
//
// The model embeds sentences, not chunks: every sentence of the corpus, and every chunk's title and heading, has
// its own vector (sentences.json, sentences.f32), keyed by its text, so a re-index embeds only sentences it has
// not seen before. The answerer compares the question's meaning with each candidate sentence's; a chunk's vector
// (vectors.f32, hnsw.bin) is computed from them, not embedded again (`chunkVector`).
//
//   INDEX_DIR/live -> gen-<time>-<pid>/   manifest.json, chunks.json, vectors.f32, hnsw.bin, bm25.json,
//                                         sentences.json, sentences.f32, figures.json
//
// figures.json is the table of figures (src/facts/table.ts): every figure with its attribute, subject and time,
// computed from the whole document at ingest and kept for unchanged files.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, open, readdir, readFile, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import hnswlib from "hnswlib-node";
import {
  CHUNKER_VERSION,
  chunkDocument,
  indexText,
  type Chunk,
  type ChunkMetadata,
  type ChunkOptions,
} from "../corpus/chunk.js";
import { DocumentError, hashBytes, listDocumentFiles, loadDocument, type SkippedFile } from "../corpus/load.js";
import { FIGURE_TABLE_VERSION, figureTable, indexFigures, type FigureIndex, type FigureRow } from "../facts/table.js";
import { splitSentences } from "../text/sentences.js";
import { float32s } from "./binary.js";
import { TOKENIZER_VERSION, tokenize } from "../text/tokenize.js";
import { Bm25Index, type Bm25Data } from "./bm25.js";
import { textForEmbedding } from "./embedder.js";

/** Bump when the files of a generation change shape: older indexes are refused with the rebuild command. */
/**
 * 4: every data file's SHA-256 in the manifest, checked before anything reads it. 5: chunks carry their
 * document's date and origin.
 */
export const INDEX_FORMAT_VERSION = 5;

/** The files of a generation besides its manifest, each checked against its SHA-256 before it is read. */
const DATA_FILES = [
  "chunks.json",
  "vectors.f32",
  "bm25.json",
  "sentences.json",
  "sentences.f32",
  "figures.json",
  "hnsw.bin",
] as const;
const REBUILD_COMMAND = "npm run ingest";

export interface FileEntry {
  hash: string;
  title: string;
  chunks: number;
  chars: number;
}

export interface Manifest {
  formatVersion: number;
  chunkerVersion: number;
  chunkOptions: ChunkOptions;
  model: string;
  dimension: number;
  createdAt: string;
  chunkCount: number;
  /** The version of the figure table's extraction (src/facts/table.ts) its figures.json was built with. */
  figureTableVersion?: number;
  /** The tokenizer's version its bm25.json was built with (absent: 1); another one is rebuilt from the chunks. */
  tokenizerVersion?: number;
  /** The absolute docs folder the index was built from: building from another one needs `force`. */
  docsDir?: string;
  files: Record<string, FileEntry>;
  /** SHA-256 of each data file: a flipped bit or a cut file is found before the native loader sees a byte. */
  checksums?: Record<string, string>;
}

export class IndexError extends Error {}

/** Another build holds the index's lock. */
export class IndexLockedError extends IndexError {
  constructor(
    readonly indexDir: string,
    readonly holder: number,
  ) {
    super(`Another build (process ${holder}) is writing the index in ${indexDir}; wait for it to finish and try again`);
  }
}

/** The index was built from another docs folder: building from this one would drop its documents. */
export class DocsFolderError extends IndexError {}

/** A loaded, immutable index generation: what the retriever searches. */
export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  chunks: Chunk[];
  vectors: Float32Array;
  hnsw: hnswlib.HierarchicalNSW;
  bm25: Bm25Index;
  /** Every sentence's vector, by the sentence's embedding form (`sentenceKey`). */
  sentences: SentenceVectors;
  /** Every figure of the corpus with its attribute, subject and time. */
  figures: FigureIndex;
}

/** Sentence vectors of one generation: row i of `vectors` belongs to `keys[i]`. */
export interface SentenceVectors {
  keys: string[];
  row: Map<string, number>;
  vectors: Float32Array;
}

/** Cosine similarity of a (normalised) vector to the stored vector of a sentence key; 0 when there is none. */
export function sentenceSimilarity(sentences: SentenceVectors, key: string, vector: ArrayLike<number>): number {
  const row = sentences.row.get(key);
  const dim = sentences.vectors.length / Math.max(sentences.keys.length, 1);
  if (row === undefined || vector.length !== dim) return 0;
  let s = 0;
  for (let i = 0; i < dim; i++) s += (vector[i] ?? 0) * (sentences.vectors[row * dim + i] ?? 0);
  return s;
}

/** The key a sentence's vector is stored under: its embedding form (simplified, half-width, trimmed). */
export function sentenceKey(sentence: string): string {
  return textForEmbedding(sentence.trim());
}

/** The sentences of a chunk whose vectors the index keeps (those the answerer can quote). */
function chunkSentenceKeys(chunk: Chunk): string[] {
  return splitSentences(chunk.pageContent).map((s) => sentenceKey(s.text));
}

/** The key of a chunk's title with its heading (the context `indexText` gives the chunk). */
function headKey(chunk: Chunk): string {
  const { title, heading } = chunk.metadata;
  return sentenceKey(heading && heading !== title ? `${title} ${heading}` : title);
}

/**
 * Weight of the title-and-heading vector beside the mean of a chunk's sentence vectors (which weighs 1). Chosen
 * on CMRC 2018 dev and DRCD dev against the model's own vector of the whole chunk (docs/measurements.md).
 */
export const HEAD_WEIGHT = 0.5;

/**
 * A chunk's vector for the dense search: the mean of its sentences' vectors plus HEAD_WEIGHT times its title and
 * heading's, normalised. Measured against embedding the chunk text itself (CLS of the whole chunk): answers
 * as good, and the build embeds each text once instead of twice (docs/measurements.md).
 */
export function chunkVector(chunk: Chunk, sentences: SentenceVectors, dimension: number): Float32Array {
  const out = new Float32Array(dimension);
  const add = (key: string, weight: number): void => {
    const row = sentences.row.get(key);
    if (row === undefined) return;
    const at = row * dimension;
    for (let d = 0; d < dimension; d++) out[d] = (out[d] ?? 0) + weight * (sentences.vectors[at + d] ?? 0);
  };
  const keys = chunkSentenceKeys(chunk);
  for (const key of keys) add(key, 1 / keys.length);
  add(headKey(chunk), HEAD_WEIGHT);
  let norm = 0;
  for (let d = 0; d < dimension; d++) norm += (out[d] ?? 0) ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dimension; d++) out[d] = (out[d] ?? 0) / norm;
  return out;
}

function sentenceVectorsOf(keys: string[], vectors: Float32Array): SentenceVectors {
  return { keys, row: new Map(keys.map((k, i) => [k, i])), vectors };
}

export interface BuildReport {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  failed: { source: string; reason: string }[];
  /** Files read in a legacy encoding (GB18030, Big5) or with stray bytes replaced: indexed, and said so. */
  decoded: { source: string; encoding: string; replaced: number }[];
  /** Entries of the docs folder that were not read (hidden, symbolic links, other types), with the reason. */
  skipped: SkippedFile[];
  chunks: number;
  /** Sentences (and titles with headings) embedded in this build: those the previous generation lacks. */
  sentencesEmbedded: number;
  /** Sentences whose vectors were taken from the previous generation by their text. */
  sentencesReused: number;
  /** Characters of the sentences embedded, and the seconds the model took. */
  embeddedChars: number;
  embedSeconds: number;
  seconds: number;
  generation: string;
}

export type BuildProgress =
  | { stage: "scan"; files: number }
  | { stage: "read"; source: string; done: number; total: number }
  | { stage: "embed"; done: number; total: number }
  | { stage: "write" };

export interface BuildOptions {
  docsDir: string;
  indexDir: string;
  embeddings: EmbeddingsInterface & { modelName: string; dimension(): Promise<number> };
  chunkOptions: ChunkOptions;
  /** Ignore the previous index and embed everything again. */
  full?: boolean;
  /** Build even though the index was built from another docs folder (its documents not in this one go). */
  force?: boolean;
  onProgress?: (p: BuildProgress) => void;
}

const LIVE = "live";

function liveDir(indexDir: string): string {
  return join(indexDir, LIVE);
}

async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(join(dir, "manifest.json"), "utf8");
  try {
    return JSON.parse(text) as Manifest;
  } catch (err) {
    throw new IndexError(`The index manifest in ${dir} is damaged (${(err as Error).message})`);
  }
}

/** Reads a generation's data file after checking it against the manifest's SHA-256. */
async function readChecked(dir: string, manifest: Manifest, name: (typeof DATA_FILES)[number]): Promise<Buffer> {
  const bytes = await readFile(join(dir, name)).catch((err: Error) => {
    throw new IndexError(`The index in ${dir} lacks ${name} (${err.message})`);
  });
  const expected = manifest.checksums?.[name];
  if (!expected || createHash("sha256").update(bytes).digest("hex") !== expected) {
    throw new IndexError(`The index in ${dir} is damaged: ${name} does not match its checksum`);
  }
  return bytes;
}

/** Writes a file and flushes it to the disk, so that a power cut after the swap finds it whole. */
async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (new files, a renamed link) to the disk. */
async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when an index generation is being served from indexDir. */
export function indexExists(indexDir: string): boolean {
  return existsSync(join(liveDir(indexDir), "manifest.json"));
}

/** Why an index cannot be used with this model and code, or undefined when it can. */
export function incompatibility(manifest: Manifest, model: string, chunkOptions?: ChunkOptions): string | undefined {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    return `index format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION}`;
  }
  if (manifest.chunkerVersion !== CHUNKER_VERSION)
    return `chunker version ${manifest.chunkerVersion}, now ${CHUNKER_VERSION}`;
  if (manifest.model !== model) return `built with embedding model ${manifest.model}, configured: ${model}`;
  if (
    chunkOptions &&
    (manifest.chunkOptions.size !== chunkOptions.size || manifest.chunkOptions.overlap !== chunkOptions.overlap)
  ) {
    const built = `${manifest.chunkOptions.size}/${manifest.chunkOptions.overlap}`;
    return `chunk size ${built}, configured ${chunkOptions.size}/${chunkOptions.overlap}`;
  }
  return undefined;
}

/** Loads the live generation; refuses a missing or incompatible index with the command that fixes it. */
export async function loadIndex(indexDir: string, model: string): Promise<LoadedIndex> {
  const dir = liveDir(indexDir);
  if (!indexExists(indexDir)) throw new IndexError(`No index in ${indexDir}. Build it with: ${REBUILD_COMMAND}`);
  const manifest = await readManifest(dir);
  const why = incompatibility(manifest, model);
  if (why)
    throw new IndexError(
      `The index in ${indexDir} cannot be used (${why}). Rebuild it with: ${REBUILD_COMMAND} -- --full`,
    );
  // Every file is checked against its checksum before it is parsed, and hnsw.bin before the native loader reads
  // it (a flipped bit there crashes the process).
  const [chunkBytes, vectorBytes, bm25Bytes, sentenceJsonBytes, sentenceBytes, figureBytes] = await Promise.all([
    readChecked(dir, manifest, "chunks.json"),
    readChecked(dir, manifest, "vectors.f32"),
    readChecked(dir, manifest, "bm25.json"),
    readChecked(dir, manifest, "sentences.json"),
    readChecked(dir, manifest, "sentences.f32"),
    readChecked(dir, manifest, "figures.json"),
    readChecked(dir, manifest, "hnsw.bin"),
  ]);
  const [chunkJson, bm25Json, sentenceJson, figureJson] = [chunkBytes, bm25Bytes, sentenceJsonBytes, figureBytes].map(
    (b) => b.toString("utf8"),
  ) as [string, string, string, string];
  const sentenceKeys = JSON.parse(sentenceJson) as string[];
  const sentenceVectors = float32s(sentenceBytes);
  const chunks = (JSON.parse(chunkJson) as { pageContent: string; metadata: ChunkMetadata }[]).map(
    (c) => ({ pageContent: c.pageContent, metadata: c.metadata, id: c.metadata.chunkId }) as Chunk,
  );
  const vectors = float32s(vectorBytes);
  const hnsw = new hnswlib.HierarchicalNSW("ip", manifest.dimension);
  hnsw.readIndexSync(join(dir, "hnsw.bin"));
  if (
    chunks.length !== manifest.chunkCount ||
    hnsw.getCurrentCount() !== chunks.length ||
    sentenceVectors.length !== sentenceKeys.length * manifest.dimension
  ) {
    throw new IndexError(`The index in ${indexDir} is inconsistent. Rebuild it with: ${REBUILD_COMMAND} -- --full`);
  }
  // Built by another tokenizer: the word index is rebuilt from the stored chunks (a second or two), so that the
  // documents' words and the questions' are cut alike; vectors, sentences and figures stay as they are.
  const bm25 =
    (manifest.tokenizerVersion ?? 1) === TOKENIZER_VERSION
      ? Bm25Index.fromJSON(JSON.parse(bm25Json) as Bm25Data)
      : Bm25Index.build(chunks.map((c) => tokenize(indexText(c))));
  const figures = indexFigures(JSON.parse(figureJson) as FigureRow[]);
  return {
    dir,
    manifest,
    chunks,
    vectors,
    hnsw,
    bm25,
    sentences: sentenceVectorsOf(sentenceKeys, sentenceVectors),
    figures,
  };
}

async function previousGeneration(opts: BuildOptions): Promise<LoadedIndex | undefined> {
  if (opts.full || !indexExists(opts.indexDir)) return undefined;
  try {
    const manifest = await readManifest(liveDir(opts.indexDir));
    if (incompatibility(manifest, opts.embeddings.modelName, opts.chunkOptions)) return undefined;
    return await loadIndex(opts.indexDir, opts.embeddings.modelName);
  } catch {
    return undefined;
  }
}

/** Removes generation folders that are not live (left by a killed build or replaced by a newer one). */
async function removeStaleGenerations(indexDir: string, keep: string[]): Promise<void> {
  for (const entry of await readdir(indexDir)) {
    if ((entry.startsWith("gen-") && !keep.includes(entry)) || entry === `${LIVE}.next`) {
      await rm(join(indexDir, entry), { recursive: true, force: true });
    }
  }
}

export function buildHnsw(vectors: Float32Array, dimension: number, count: number): hnswlib.HierarchicalNSW {
  const hnsw = new hnswlib.HierarchicalNSW("ip", dimension);
  hnsw.initIndex({ maxElements: Math.max(count, 1), m: 16, efConstruction: 200, randomSeed: 42 });
  for (let i = 0; i < count; i++) hnsw.addPoint(Array.from(vectors.subarray(i * dimension, (i + 1) * dimension)), i);
  return hnsw;
}

const LOCK_FILE = "build.lock";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the index's build lock: a file holding the builder's pid, created whole (written beside it, then hard-
 * linked into place, which fails if a lock exists), so no one ever reads a half-written lock. A lock left by a
 * process that no longer runs is taken over. Returns the function that releases it.
 */
export async function lockIndex(indexDir: string): Promise<() => Promise<void>> {
  await mkdir(indexDir, { recursive: true });
  const path = join(indexDir, LOCK_FILE);
  const mine = join(indexDir, `${LOCK_FILE}.${process.pid}`);
  // A builder killed between writing its temporary and linking it leaves build.lock.<pid> behind.
  for (const entry of await readdir(indexDir)) {
    const pid = Number(/^build\.lock\.(\d+)$/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) await rm(join(indexDir, entry), { force: true });
  }
  await writeFile(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, path);
        return () => rm(path, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
        if (Number.isInteger(holder) && holder > 0 && processAlive(holder))
          throw new IndexLockedError(indexDir, holder);
        await rm(path, { force: true });
      }
    }
    throw new IndexError(`Could not take the build lock ${path}`);
  } finally {
    await rm(mine, { force: true });
  }
}

/** Refuses to build an index from a docs folder other than the one it was built from, unless forced. */
async function checkDocsFolder(opts: BuildOptions): Promise<void> {
  if (opts.force || !indexExists(opts.indexDir)) return;
  const recorded = (await readManifest(liveDir(opts.indexDir)).catch(() => undefined))?.docsDir;
  if (recorded && resolve(recorded) !== resolve(opts.docsDir)) {
    throw new DocsFolderError(
      `The index in ${opts.indexDir} was built from ${recorded}; ` +
        `building it from ${resolve(opts.docsDir)} would replace ` +
        `its documents. Pass --force to do that, or choose another index folder with --index`,
    );
  }
}

/**
 * Builds or updates the index from every supported file under docsDir, one build per index at a time (a lock
 * file). Files that cannot be read are reported in `failed` and left out. Throws when nothing could be built,
 * the docs folder is not the index's own (without `force`) or another build runs; the live index is then
 * untouched.
 */
export async function buildIndex(opts: BuildOptions): Promise<BuildReport> {
  const { docsDir, indexDir } = opts;
  if (!existsSync(docsDir)) throw new IndexError(`The documents folder ${docsDir} does not exist`);
  const unlock = await lockIndex(indexDir);
  try {
    await checkDocsFolder(opts);
    return await buildLocked(opts);
  } finally {
    await unlock();
  }
}

async function buildLocked(opts: BuildOptions): Promise<BuildReport> {
  const t0 = performance.now();
  const { docsDir, indexDir, embeddings, chunkOptions, onProgress } = opts;
  const previous = await previousGeneration(opts);
  const oldFiles = previous?.manifest.files ?? {};
  const dimension = previous?.manifest.dimension ?? (await embeddings.dimension());

  // The previous generation's chunk positions by file, so an unchanged file's chunks are found in one pass.
  const previousBySource = new Map<string, number[]>();
  previous?.chunks.forEach((chunk, idx) => {
    const list = previousBySource.get(chunk.metadata.source) ?? [];
    list.push(idx);
    previousBySource.set(chunk.metadata.source, list);
  });
  const { files, skipped } = await listDocumentFiles(docsDir);
  onProgress?.({ stage: "scan", files: files.length });
  const report: BuildReport = {
    added: [],
    changed: [],
    removed: [],
    unchanged: [],
    failed: [],
    decoded: [],
    skipped,
    chunks: 0,
    sentencesEmbedded: 0,
    sentencesReused: 0,
    embeddedChars: 0,
    embedSeconds: 0,
    seconds: 0,
    generation: "",
  };
  const kept: Chunk[] = [];
  const previousFigures = new Map<string, FigureRow[]>();
  for (const row of previous?.figures.rows ?? []) {
    const list = previousFigures.get(row.source);
    if (list) list.push(row);
    else previousFigures.set(row.source, [row]);
  }
  const figureRows: FigureRow[] = [];
  const fresh: Chunk[] = [];
  const manifestFiles: Record<string, FileEntry> = {};

  for (const [i, source] of files.entries()) {
    onProgress?.({ stage: "read", source, done: i, total: files.length });
    const bytes = new Uint8Array(await readFile(join(docsDir, source)));
    const hash = hashBytes(bytes);
    const old = oldFiles[source];
    if (previous && old && old.hash === hash) {
      for (const idx of previousBySource.get(source) ?? []) kept.push(previous.chunks[idx] as Chunk);
      manifestFiles[source] = old;
      if (previous.manifest.figureTableVersion === FIGURE_TABLE_VERSION)
        for (const row of previousFigures.get(source) ?? []) figureRows.push(row);
      else {
        // The figure table's extraction changed: the file is read again for its figures (its vectors are kept).
        const doc = await loadDocument(join(docsDir, source), source, bytes).catch(() => undefined);
        for (const row of doc ? figureTable(source, doc.title, doc.text) : []) figureRows.push(row);
      }
      report.unchanged.push(source);
      continue;
    }
    // Every step of one document is tried on its own: whatever goes wrong with it (a DocumentError says what
    // the file lacks; anything else is this code's failure on that file) skips that file, named in the report,
    // and the others are indexed. Rows and chunks are appended one by one: a spread of a document's 100k rows
    // as arguments overflows the call stack.
    try {
      const doc = await loadDocument(join(docsDir, source), source, bytes);
      const chunks = chunkDocument(doc, chunkOptions);
      const rows = figureTable(source, doc.title, doc.text);
      for (const chunk of chunks) fresh.push(chunk);
      for (const row of rows) figureRows.push(row);
      manifestFiles[source] = { hash, title: doc.title, chunks: chunks.length, chars: doc.text.length };
      if (doc.encoding && (!doc.encoding.startsWith("utf") || doc.replaced))
        report.decoded.push({ source, encoding: doc.encoding, replaced: doc.replaced ?? 0 });
      (old ? report.changed : report.added).push(source);
    } catch (err) {
      const reason = err instanceof DocumentError ? err.message : `could not be indexed: ${String(err)}`;
      report.failed.push({ source, reason });
    }
  }
  report.removed = Object.keys(oldFiles).filter((source) => !(source in manifestFiles) && !files.includes(source));

  const chunks = [...kept, ...fresh];
  if (chunks.length === 0) throw new IndexError(`No readable documents in ${docsDir}; the index was not changed`);
  const tEmbed = performance.now();
  const sentences = await buildSentenceVectors(chunks, previous?.sentences, dimension, embeddings, (done, total) =>
    onProgress?.({ stage: "embed", done, total }),
  );
  report.embedSeconds = (performance.now() - tEmbed) / 1000;
  report.sentencesEmbedded = sentences.embedded;
  report.sentencesReused = sentences.keys.length - sentences.embedded;
  report.embeddedChars = sentences.embeddedChars;
  const vectors = new Float32Array(chunks.length * dimension);
  chunks.forEach((chunk, i) => vectors.set(chunkVector(chunk, sentences, dimension), i * dimension));

  onProgress?.({ stage: "write" });
  const generation = `gen-${Date.now()}-${process.pid}`;
  const genDir = join(indexDir, generation);
  await mkdir(genDir);
  const manifest: Manifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    chunkerVersion: CHUNKER_VERSION,
    chunkOptions,
    model: embeddings.modelName,
    dimension,
    createdAt: new Date().toISOString(),
    chunkCount: chunks.length,
    figureTableVersion: FIGURE_TABLE_VERSION,
    tokenizerVersion: TOKENIZER_VERSION,
    docsDir: resolve(docsDir),
    files: manifestFiles,
  };
  const bm25 = Bm25Index.build(chunks.map((c) => tokenize(indexText(c))));
  buildHnsw(vectors, dimension, chunks.length).writeIndexSync(join(genDir, "hnsw.bin"));
  await writeFile(join(genDir, "vectors.f32"), Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  await writeFile(join(genDir, "bm25.json"), JSON.stringify(bm25.toJSON()));
  await writeFile(
    join(genDir, "chunks.json"),
    JSON.stringify(chunks.map((c) => ({ pageContent: c.pageContent, metadata: c.metadata }))),
  );
  await writeFile(join(genDir, "sentences.json"), JSON.stringify(sentences.keys));
  await writeFile(join(genDir, "figures.json"), JSON.stringify(figureRows));
  const sv = sentences.vectors;
  await writeFile(join(genDir, "sentences.f32"), Buffer.from(sv.buffer, sv.byteOffset, sv.byteLength));
  // Every file flushed and its checksum recorded; the manifest is written last: a generation without one is
  // incomplete and never served.
  manifest.checksums = {};
  for (const name of DATA_FILES) {
    const path = join(genDir, name);
    const bytes = await readFile(path);
    manifest.checksums[name] = createHash("sha256").update(bytes).digest("hex");
    const handle = await open(path, "r+");
    await handle.sync();
    await handle.close();
  }
  await writeDurably(join(genDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  await syncFolder(genDir);

  await switchLive(indexDir, generation);

  report.chunks = chunks.length;
  report.generation = generation;
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/**
 * The vectors of every distinct sentence of the chunks, and of each chunk's title and heading: taken from the
 * previous generation when it has the same text, embedded otherwise.
 */
export async function buildSentenceVectors(
  chunks: Chunk[],
  previous: SentenceVectors | undefined,
  dimension: number,
  embeddings: BuildOptions["embeddings"],
  onProgress: (done: number, total: number) => void,
): Promise<SentenceVectors & { embedded: number; embeddedChars: number }> {
  const keys = [...new Set(chunks.flatMap((c) => [...chunkSentenceKeys(c), headKey(c)]))];
  const vectors = new Float32Array(keys.length * dimension);
  const missing: number[] = [];
  keys.forEach((key, i) => {
    const row = previous?.row.get(key);
    if (row === undefined || !previous) missing.push(i);
    else vectors.set(previous.vectors.subarray(row * dimension, (row + 1) * dimension), i * dimension);
  });
  for (let i = 0; i < missing.length; i += 64) {
    const ids = missing.slice(i, i + 64);
    const rows = await embeddings.embedDocuments(ids.map((id) => keys[id] ?? ""));
    rows.forEach((v, k) => vectors.set(v, (ids[k] ?? 0) * dimension));
    onProgress(Math.min(i + 64, missing.length), missing.length);
  }
  const embeddedChars = missing.reduce((n, i) => n + (keys[i]?.length ?? 0), 0);
  return { ...sentenceVectorsOf(keys, vectors), embedded: missing.length, embeddedChars };
}

/**
 * Makes a complete generation folder of indexDir the live one (a symlink renamed into place: readers see the old
 * generation or the new one, never a mix). The generation served until now stays beside the new one (a fallback
 * if the new one is found damaged); older ones and partial generations of failed builds go.
 */
export async function switchLive(indexDir: string, generation: string): Promise<void> {
  const serving = await readlink(liveDir(indexDir)).catch(() => undefined);
  const next = join(indexDir, `${LIVE}.next`);
  await rm(next, { force: true });
  await symlink(generation, next);
  await rename(next, liveDir(indexDir));
  await syncFolder(indexDir);
  await removeStaleGenerations(indexDir, [generation, ...(serving && serving !== generation ? [serving] : [])]);
}

/** The files of a generation folder: its data files and, written last, its manifest. */
export const GENERATION_FILES: readonly string[] = [...DATA_FILES, "manifest.json"];

/** The generation folder the live symlink points at, or undefined. */
export async function liveGeneration(indexDir: string): Promise<string | undefined> {
  try {
    return await readlink(liveDir(indexDir));
  } catch {
    return undefined;
  }
}

/** How the docs folder differs from what an index was built from (by each file's SHA-256). */
export interface DocsDrift {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * What changed in the docs folder since the index was built: a file saved while the bot was down or killed
 * mid-indexing is found here, so start-up can index it instead of leaving it out until someone re-indexes.
 */
export async function docsDrift(docsDir: string, manifest: Manifest): Promise<DocsDrift> {
  const { files } = await listDocumentFiles(docsDir);
  const drift: DocsDrift = { added: [], changed: [], removed: [] };
  for (const source of files) {
    const known = manifest.files[source];
    if (!known) drift.added.push(source);
    else if (hashBytes(new Uint8Array(await readFile(join(docsDir, source)))) !== known.hash)
      drift.changed.push(source);
  }
  drift.removed = Object.keys(manifest.files).filter((source) => !files.includes(source));
  return drift;
}

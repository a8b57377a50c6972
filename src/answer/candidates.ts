// Step 2 of the answerer: candidate sentences. Every sentence of the passages read (the best few, plus the best
// passage of each other document further down), with its passage's retrieval scores and its meaning's
// similarity to the question (sentence vectors stored in the index at ingest).
import type { AnswerContext } from "./context.js";
import type { Chunk } from "../corpus/chunk.js";
import type { ScoredPassage } from "../search/retriever.js";
import { sentenceKey, sentenceSimilarity } from "../search/index-store.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { splitSentences } from "../text/sentences.js";

/** How many ranked passages are read for answer sentences. */
export const READ_PASSAGES = 6;

export interface Candidate {
  text: string;
  norm: string;
  chunk: Chunk;
  passage: string;
  passageRank: number;
  /** The passage's fused retrieval score and its raw dense (cosine) similarity to the question. */
  passageScore: number;
  passageDense: number;
  figures: Figure[];
  /**
   * Cosine similarity of the sentence's vector to the question's, embedded as itself (embedQuestion: without the
   * retrieval instruction); 0 when the index has no vector for the sentence.
   */
  sem: number;
  /** Whether the sentence opens its document (its first or second sentence, the title being one). */
  lead: boolean;
  /**
   * The sentences right before and after it in its passage (match form; "" at the passage's edge), and the
   * better of their similarities to the question: the answer often stands next to the sentence that repeats the
   * question's words (他呼吁…立法 after the sentence that names him).
   */
  prevNorm: string;
  nextNorm: string;
  neighbourSem: number;
  /** Its place among its passage's sentences: two candidates of one passage 1 apart stand side by side. */
  position: number;
}

/**
 * The passages read for answer sentences: the best READ_PASSAGES, plus the best passage of each other
 * document further down, so that a question several documents answer differently sees all of them.
 */
export function passagesToRead(passages: ScoredPassage[]): ScoredPassage[] {
  const read = passages.slice(0, READ_PASSAGES);
  const sources = new Set(read.map((p) => p.chunk.metadata.source));
  for (const p of passages.slice(READ_PASSAGES)) {
    if (sources.has(p.chunk.metadata.source)) continue;
    sources.add(p.chunk.metadata.source);
    read.push(p);
  }
  return read;
}

/** A passage's sentences as candidates, skipping those `seen` holds (source:text) and adding theirs to it. */
function passageCandidates(
  app: AnswerContext,
  p: { chunk: Chunk; text: string; score: number; dense: number; sentences?: ScoredPassage["sentences"] },
  rank: number,
  questionVector: number[],
  seen: Set<string>,
): Candidate[] {
  const out: Candidate[] = [];
  const { sentences } = app.index;
  const opening = p.chunk.metadata.start === 0;
  // The retrieval's re-order already split the first passages and converted their sentences; reused here.
  const split = p.sentences ?? splitSentences(p.text).map((x) => ({ text: x.text, key: sentenceKey(x.text) }));
  // The vector key is the sentence in simplified, half-width form; the match form is that, lower-cased.
  // Deriving one from the other converts the characters once (OpenCC is the costly step on DRCD).
  const norms = split.map((s) => s.key.toLowerCase());
  const sems = split.map((s) => (s.text.length < 4 ? 0 : sentenceSimilarity(sentences, s.key, questionVector)));
  for (const [position, s] of split.entries()) {
    const key = `${p.chunk.metadata.source}:${s.text}`;
    if (seen.has(key) || s.text.length < 4) continue;
    seen.add(key);
    const norm = norms[position] ?? "";
    const sem = sems[position] ?? 0;
    out.push({
      text: s.text,
      norm,
      chunk: p.chunk,
      passage: p.text,
      passageRank: rank,
      passageScore: p.score,
      passageDense: p.dense,
      figures: extractFigures(norm),
      sem,
      lead: opening && position <= 1,
      prevNorm: norms[position - 1] ?? "",
      nextNorm: norms[position + 1] ?? "",
      neighbourSem: Math.max(sems[position - 1] ?? 0, sems[position + 1] ?? 0),
      position,
    });
  }
  return out;
}

/** The candidate sentences of the passages, each once per document, with their similarity to the question. */
export function candidatesFrom(app: AnswerContext, passages: ScoredPassage[], questionVector: number[]): Candidate[] {
  const seen = new Set<string>();
  return passagesToRead(passages).flatMap((p, rank) => passageCandidates(app, p, rank, questionVector, seen));
}

/** Each index's chunks by document, built once per index (a list answer reads one whole document). */
const chunksBySource = new WeakMap<AnswerContext["index"], Map<string, Chunk[]>>();

/** A document's chunks, in its order. */
export function chunksOf(app: AnswerContext, source: string): Chunk[] {
  let bySource = chunksBySource.get(app.index);
  if (!bySource) {
    bySource = new Map();
    for (const chunk of app.index.chunks) {
      const list = bySource.get(chunk.metadata.source) ?? [];
      list.push(chunk);
      bySource.set(chunk.metadata.source, list);
    }
    for (const list of bySource.values()) list.sort((a, b) => a.metadata.start - b.metadata.start);
    chunksBySource.set(app.index, bySource);
  }
  return bySource.get(source) ?? [];
}

/**
 * Every sentence of one document as a candidate: those already among `known` as they are, the rest with their
 * similarity to the question and no retrieval score (ranked after every passage read).
 */
export function documentCandidates(
  app: AnswerContext,
  source: string,
  questionVector: number[],
  known: Candidate[],
  around?: Chunk,
): Candidate[] {
  const own = known.filter((c) => c.chunk.metadata.source === source);
  const seen = new Set(own.map((c) => `${source}:${c.text}`));
  // A long document is read in a window of DOCUMENT_CHUNKS around `around`: the work per question stays bounded.
  const chunks = chunksOf(app, source);
  const at = Math.max(0, around ? chunks.findIndex((c) => c.metadata.chunkId === around.metadata.chunkId) : 0);
  const from = Math.max(0, Math.min(at - DOCUMENT_CHUNKS / 2, chunks.length - DOCUMENT_CHUNKS));
  const rest = chunks
    .slice(from, from + DOCUMENT_CHUNKS)
    .flatMap((chunk) =>
      passageCandidates(app, { chunk, text: chunk.pageContent, score: 0, dense: 0 }, RANK_UNREAD, questionVector, seen),
    );
  return [...own, ...rest];
}

/** The most chunks of one document an open question's list reads (a 20 MB upload has tens of thousands). */
const DOCUMENT_CHUNKS = 200;

/** The passage rank of a sentence of a passage the retrieval did not read. */
const RANK_UNREAD = 99;

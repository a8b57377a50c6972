// Hybrid retrieval as a LangChain `BaseRetriever`: dense vectors (hnswlib) and BM25 over jieba tokens are
// each searched for candidates, their scores normalised and fused with a weight, then passages that contain
// the question's exact entities (batch, place, organisation, year, figure) get a boost. Last, the best passages
// are re-ordered by their best sentence: a passage about the question's subject that does not say what is asked
// loses to the one with a sentence close to the question (weights fitted by `npm run fit`).
import { readFileSync } from "node:fs";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { Document } from "@langchain/core/documents";
import { documentContext, type Chunk } from "../corpus/chunk.js";
import { extractEntities, mentions, type Entity } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";
import { expandQueryTokens } from "../text/synonyms.js";
import { tokenize } from "../text/tokenize.js";
import { sentenceKey, sentenceSimilarity, type LoadedIndex } from "./index-store.js";
import { coverage } from "../text/coverage.js";
import { inProcessSearch, type SearchBackend } from "./search-backend.js";
import { splitSentences } from "../text/sentences.js";

export interface RetrievalOptions {
  /** Passages returned. */
  k: number;
  /** Candidates taken from each of the dense and BM25 searches. */
  candidates: number;
  /** Weight of the dense score in the fusion; BM25 gets 1 − denseWeight. */
  denseWeight: number;
  /** Added per question entity the passage contains, scaled by the entity's weight. */
  entityBoost: number;
  /**
   * Characters of a returned passage: the matched chunk is widened with neighbouring chunks of its document up
   * to this length (small chunks to match precisely, their context to read), and lower hits that fall inside a
   * higher passage are merged into it. 0 returns bare chunks.
   */
  window: number;
  fusion: "weighted" | "rrf" | "dense" | "bm25";
  /**
   * Added to a passage's score, times its best sentence's similarity to the question (`sentenceSem`) and its
   * best sentence's share of the question's word weight (`sentenceCoverage`), before the final order of the
   * first `rerank` passages. 0 and 0 keep the fused order; the defaults are the fitted ones.
   */
  sentenceSem: number;
  sentenceCoverage: number;
  rerank: number;
}

/** The fitted weights of the final order, written by `npm run fit` beside this file. */
export interface RetrievalWeights {
  sentenceSem: number;
  sentenceCoverage: number;
}

export const RETRIEVAL_WEIGHTS_FILE = new URL("./retrieval-weights.json", import.meta.url);

/** The fitted best-sentence weights (retrieval-weights.json), read once. */
export function retrievalWeights(): RetrievalWeights {
  const { sentenceSem, sentenceCoverage } = JSON.parse(
    readFileSync(RETRIEVAL_WEIGHTS_FILE, "utf8"),
  ) as RetrievalWeights;
  return { sentenceSem, sentenceCoverage };
}

export const DEFAULT_RETRIEVAL: RetrievalOptions = {
  k: 10,
  candidates: 50,
  denseWeight: 0.3,
  entityBoost: 0.05,
  window: 500,
  fusion: "weighted",
  ...retrievalWeights(),
  rerank: 10,
};

export interface ScoredPassage {
  chunk: Chunk;
  /** The passage shown and read: the chunk, widened with its neighbours up to `window` characters. */
  text: string;
  score: number;
  dense: number;
  bm25: number;
  /** The passage's best sentence: its similarity to the question, and its share of the question's word weight. */
  sentenceSem: number;
  sentenceCoverage: number;
  /** The score of the final order: `score` (fused) plus the weighted best-sentence figures. */
  final: number;
  /** The passage's sentences with their vector keys, when the re-order read them (the answerer reuses them). */
  sentences?: { text: string; key: string }[];
}

/** Embeddings that can also embed a question as itself, to compare it with sentences (embedder.ts). */
type QuestionEmbeddings = EmbeddingsInterface & { embedQuestion?(text: string): Promise<number[]> };

/** Share of a passage's characters in sentences already shown, above which the passage is a copy and is folded. */
const REPEAT_SHARE = 0.6;

/**
 * Whether most of a passage repeats sentences that passages of other documents ranked above it showed (the same
 * report republished, a document uploaded twice, a paragraph quoted whole), so that it adds nothing and is left
 * out; its sentences join `seen` (sentence → the documents that showed it) otherwise. A copy would otherwise
 * crowd the list, read as a competing answer from another document and hide how far the best passage stands
 * above the next one that says something else. Passages of one document overlap by design (each is widened with
 * its neighbours) and are never folded into each other.
 */
function repeats(split: readonly { text: string }[], source: string, seen: Map<string, Set<string>>): boolean {
  const keys = split.map((s) => normalizeForMatch(s.text).replace(/[\p{P}\p{S}\s]/gu, "")).filter((k) => k.length > 0);
  const elsewhere = (k: string): boolean => [...(seen.get(k) ?? [])].some((s) => s !== source);
  const total = keys.reduce((n, k) => n + k.length, 0);
  const repeated = keys.reduce((n, k) => n + (elsewhere(k) ? k.length : 0), 0);
  if (total > 0 && repeated >= REPEAT_SHARE * total) return true;
  for (const k of keys) seen.set(k, (seen.get(k) ?? new Set<string>()).add(source));
  return false;
}

export interface HybridRetrieverInput extends BaseRetrieverInput {
  index: LoadedIndex;
  embeddings: QuestionEmbeddings;
  options?: Partial<RetrievalOptions>;
  /** Where the dense and BM25 searches run: the loaded generation in process (default) or PostgreSQL. */
  search?: SearchBackend;
}

const ENTITY_WEIGHT: Record<Entity["kind"], number> = {
  batch: 1.5,
  place: 1,
  org: 1,
  year: 1,
  figure: 1,
  term: 0.5,
  quoted: 1,
};

export class HybridRetriever extends BaseRetriever {
  static override lc_name(): string {
    return "HybridRetriever";
  }
  override lc_namespace = ["duikou", "retrievers"];

  readonly index: LoadedIndex;
  private readonly embeddings: QuestionEmbeddings;
  readonly options: RetrievalOptions;
  readonly search: SearchBackend;
  private normalized: string[] | undefined;
  /** For each chunk: the chunk indices of its document in reading order, and its place among them. */
  private readonly siblings: number[][];
  private readonly place: number[];

  constructor(input: HybridRetrieverInput) {
    super(input);
    this.index = input.index;
    this.embeddings = input.embeddings;
    this.options = { ...DEFAULT_RETRIEVAL, ...input.options };
    this.search = input.search ?? inProcessSearch(input.index);
    const bySource = new Map<string, number[]>();
    this.index.chunks.forEach((c, i) => {
      const list = bySource.get(c.metadata.source) ?? [];
      list.push(i);
      bySource.set(c.metadata.source, list);
    });
    this.siblings = new Array<number[]>(this.index.chunks.length);
    this.place = new Array<number>(this.index.chunks.length);
    for (const list of bySource.values()) {
      list.sort((a, b) => (this.index.chunks[a]?.metadata.start ?? 0) - (this.index.chunks[b]?.metadata.start ?? 0));
      list.forEach((id, k) => {
        this.siblings[id] = list;
        this.place[id] = k;
      });
    }
  }

  /** The chunk widened with its neighbours, alternately before and after, while it fits in `window`. */
  private widen(id: number, window: number): { from: number; to: number; text: string } {
    const list = this.siblings[id] ?? [id];
    const k = this.place[id] ?? 0;
    const chunkAt = (j: number): Chunk => this.index.chunks[list[j] ?? id] as Chunk;
    let from = k;
    let to = k;
    const span = (a: number, b: number): number => chunkAt(b).metadata.end - chunkAt(a).metadata.start;
    for (let grew = true; grew;) {
      grew = false;
      if (from > 0 && span(from - 1, to) <= window) {
        from--;
        grew = true;
      }
      if (to < list.length - 1 && span(from, to + 1) <= window) {
        to++;
        grew = true;
      }
    }
    let text = "";
    let end = -1;
    for (let j = from; j <= to; j++) {
      const c = chunkAt(j);
      if (end < 0) text = c.pageContent;
      else if (c.metadata.end > end) {
        const skip = Math.max(0, end - c.metadata.start);
        text += (c.metadata.start > end ? "\n\n" : "") + c.pageContent.slice(skip);
      }
      end = Math.max(end, c.metadata.end);
    }
    return { from: list[from] ?? id, to: list[to] ?? id, text };
  }

  private normalizedChunk(i: number): string {
    this.normalized ??= this.index.chunks.map((c) => normalizeForMatch(`${documentContext(c)}\n${c.pageContent}`));
    return this.normalized[i] ?? "";
  }

  /** Ranked passages for a question, best first, with fused scores. */
  async hybridSearch(question: string, options: Partial<RetrievalOptions> = {}): Promise<ScoredPassage[]> {
    const opt = { ...this.options, ...options };
    const { chunks, bm25 } = this.index;
    const n = chunks.length;
    if (n === 0) return [];
    const candidates = Math.min(opt.candidates, n);

    // The two searches run side by side (on PostgreSQL, two queries at once).
    const questionTokens = tokenize(question);
    const none = Promise.resolve(new Map<number, number>());
    const lexicalSearch =
      opt.fusion === "dense"
        ? none
        : this.search.lexical(
            expandQueryTokens(questionTokens, (t) => bm25.idf(t) > 0),
            candidates,
          );
    const denseSearch =
      opt.fusion === "bm25" ? none : this.embeddings.embedQuery(question).then((v) => this.search.dense(v, candidates));
    const [dense, lexical] = await Promise.all([denseSearch, lexicalSearch]);

    const ids = new Set([...dense.keys(), ...lexical.keys()]);
    const fused = new Map<number, number>();
    if (opt.fusion === "rrf") {
      const rank = (m: Map<number, number>): Map<number, number> =>
        new Map([...m.entries()].sort((a, b) => b[1] - a[1]).map(([id], r) => [id, r]));
      const dr = rank(dense);
      const lr = rank(lexical);
      for (const id of ids) {
        const d = dr.get(id);
        const l = lr.get(id);
        fused.set(id, (d === undefined ? 0 : 1 / (60 + d)) + (l === undefined ? 0 : 1 / (60 + l)));
      }
    } else {
      const dValues = [...dense.values()];
      const dMax = Math.max(...dValues, 0);
      const dMin = Math.min(...dValues, dMax);
      const lMax = Math.max(...lexical.values(), 0);
      const w = opt.fusion === "dense" ? 1 : opt.fusion === "bm25" ? 0 : opt.denseWeight;
      for (const id of ids) {
        const d = dense.get(id);
        const dn = d === undefined ? 0 : dMax > dMin ? (d - dMin) / (dMax - dMin) : 1;
        const l = lexical.get(id) ?? 0;
        fused.set(id, w * dn + (1 - w) * (lMax > 0 ? l / lMax : 0));
      }
    }

    const entities = opt.entityBoost > 0 ? extractEntities(question) : [];
    const scored = [...ids].map((id) => {
      let score = fused.get(id) ?? 0;
      if (entities.length) {
        const text = this.normalizedChunk(id);
        for (const e of entities) if (mentions(text, e)) score += opt.entityBoost * ENTITY_WEIGHT[e.kind];
      }
      return { id, score };
    });
    scored.sort((a, b) => b.score - a.score);
    const out: ScoredPassage[] = [];
    const covered = new Set<number>();
    const seen = new Map<string, Set<string>>();
    // Each passage's sentences, split once for the fold and the best-sentence figures.
    const split = new Map<ScoredPassage, { text: string }[]>();
    const pool = Math.max(opt.k, opt.rerank);
    for (const { id, score } of scored) {
      if (out.length >= pool) break;
      if (covered.has(id)) continue;
      const chunk = chunks[id] as Chunk;
      let text = chunk.pageContent;
      if (opt.window > chunk.pageContent.length) {
        const w = this.widen(id, opt.window);
        text = w.text;
        const list = this.siblings[id] ?? [];
        for (let j = list.indexOf(w.from); j >= 0 && j <= list.indexOf(w.to); j++) covered.add(list[j] ?? id);
      }
      covered.add(id);
      const own = splitSentences(text);
      if (repeats(own, chunk.metadata.source, seen)) continue;
      const passage: ScoredPassage = {
        chunk,
        text,
        score,
        dense: dense.get(id) ?? 0,
        bm25: lexical.get(id) ?? 0,
        sentenceSem: 0,
        sentenceCoverage: 0,
        final: score,
      };
      split.set(passage, own);
      out.push(passage);
    }
    const head = out.slice(0, opt.rerank);
    await this.bestSentences(question, questionTokens, head, split);
    if (opt.sentenceSem !== 0 || opt.sentenceCoverage !== 0) {
      // Only the head is re-ordered; a passage below it keeps its fused score, which is lower than any of the head's.
      for (const p of head)
        p.final = p.score + opt.sentenceSem * p.sentenceSem + opt.sentenceCoverage * p.sentenceCoverage;
      head.sort((a, b) => b.final - a.final);
      out.splice(0, head.length, ...head);
    }
    return out.slice(0, opt.k);
  }

  /**
   * Fills in each passage's best sentence figures: the highest similarity of one of its sentences' stored
   * vectors to the question as itself (not in its retrieval form), and the highest IDF-weighted share of the
   * question's words one sentence holds.
   */
  private async bestSentences(
    question: string,
    tokens: string[],
    passages: ScoredPassage[],
    split: ReadonlyMap<ScoredPassage, readonly { text: string }[]>,
  ): Promise<void> {
    if (passages.length === 0) return;
    const { sentences, bm25 } = this.index;
    const vector = this.embeddings.embedQuestion
      ? await this.embeddings.embedQuestion(question)
      : await this.embeddings.embedQuery(question);
    const weights = new Map<string, number>();
    for (const t of tokens) if (bm25.idf(t) > 0) weights.set(t, bm25.idf(t));
    for (const p of passages) {
      p.sentences = (split.get(p) ?? splitSentences(p.text)).map((s) => ({ text: s.text, key: sentenceKey(s.text) }));
      for (const { key } of p.sentences) {
        p.sentenceSem = Math.max(p.sentenceSem, sentenceSimilarity(sentences, key, vector));
        p.sentenceCoverage = Math.max(p.sentenceCoverage, coverage(key.toLowerCase(), weights));
      }
    }
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.hybridSearch(query);
    return hits.map(
      (h) =>
        new Document({
          pageContent: h.text,
          metadata: { ...h.chunk.metadata, score: h.final },
          id: h.chunk.metadata.chunkId,
        }),
    );
  }
}

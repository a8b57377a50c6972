// Step 3 of the answerer: what is measured about each candidate sentence for one part of the question. Words
// (IDF-weighted coverage, discriminative coverage, character bigrams, the title's words), meaning (embedding
// similarity to the question), retrieval (the passage's score and rank), type (does it hold a span of the asked
// type), agreement (does it mention the focus, and what important question word does it lack), wording (does it
// keep the words around the question word, does it have the usual wording of the relation asked: cues.ts),
// place (does it open its document), characters (the question's characters by their rarity, alone and as
// bigrams: a paraphrase keeps a word's rare character, 滅亡 | 所滅) and neighbours (the question's words and
// characters over the sentence with the one beside it, the most important question word missing from all three,
// and how close in meaning its neighbours are: a sentence that repeats the question often stands next to the one
// that answers it, 动物学家牛顿出版了… | 他呼吁…立法禁止狩猎). The weights that combine them are fitted (model.ts,
// src/cli/fit.ts), not set by hand.
import type { AnswerContext } from "./context.js";
import { normalizeForMatch } from "../text/normalize.js";
import type { Candidate } from "./candidates.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";
import { hasAnswerSpan, relativeYearFits, yearFromBefore } from "./spans.js";
import { mentionsTerm } from "../text/synonyms.js";
import { languageRarity } from "../text/language.js";
import { coverage } from "../text/coverage.js";
import { askedRelations, cueFit, type CueRelation } from "./cues.js";
import { questionWords } from "./lexicon.js";

/** The features of one candidate, by name; model.ts holds the weight of each. */
export const FEATURE_NAMES = [
  "cov",
  "sharp",
  "bigram",
  "ctx",
  "passage",
  "rank",
  "sem",
  "semGap",
  "typed",
  "focus",
  "covSyn",
  "missing",
  "slot",
  "lead",
  "cue",
  "winCov",
  "nbSem",
  "winMissing",
  "chars",
  "bigramW",
  "winChars",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

/**
 * IDF weights of the question's terms. A word the corpus never uses weighs as much as its rarest word if it is
 * rare in Chinese at large too (a name: 林振强), less if it is an everyday word a small corpus happens to lack
 * (搞, 起来, 之前: language.ts).
 */
export function termWeights(app: AnswerContext, terms: string[]): Map<string, number> {
  const weights = new Map<string, number>();
  const unseen = unseenWeight(app);
  for (const t of terms) {
    if (/^\d+(\.\d+)?$/.test(t)) continue;
    const idf = app.index.bm25.idf(t);
    weights.set(t, idf > 0 ? idf : unseen * languageRarity(t));
  }
  return weights;
}

/** Each loaded index's character weights: log(1 + N / (1 + the number of passages holding the character)). */
const charIdfCache = new WeakMap<object, Map<string, number>>();

/** The CJK block and its extension A: the characters counted (a typed array by code unit, no per-chunk Set). */
const CJK_FIRST = 0x3400;
const CJK_LAST = 0x9fff;

function charIdf(app: AnswerContext): Map<string, number> {
  const cached = charIdfCache.get(app.index);
  if (cached) return cached;
  // One pass over the chunks' code units, each counted once per chunk; then each character converted to its
  // simplified form once (converting whole texts first cost about ten times as much: scripts/char-weights.ts).
  // It runs once per loaded index, on the first question. A chunk holding both forms of a character counts twice
  // for it: the count is capped at N.
  const chunks = app.index.chunks;
  const lastChunk = new Int32Array(CJK_LAST + 1).fill(-1);
  const raw = new Uint32Array(CJK_LAST + 1);
  chunks.forEach((chunk, i) => {
    const text = chunk.pageContent;
    for (let j = 0; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (code < CJK_FIRST || code > CJK_LAST || lastChunk[code] === i) continue;
      lastChunk[code] = i;
      raw[code] = (raw[code] ?? 0) + 1;
    }
  });
  const df = new Map<string, number>();
  for (let code = CJK_FIRST; code <= CJK_LAST; code++) {
    const k = raw[code] ?? 0;
    if (k === 0) continue;
    const ch = normalizeForMatch(String.fromCharCode(code));
    df.set(ch, Math.min(chunks.length, (df.get(ch) ?? 0) + k));
  }
  const n = chunks.length;
  const idf = new Map([...df].map(([ch, k]) => [ch, Math.log(1 + n / (1 + k))]));
  charIdfCache.set(app.index, idf);
  return idf;
}

const HAN = /\p{Script=Han}/gu;

/**
 * Weights of the Chinese characters of the question's terms, by their rarity in the corpus. Two words that share
 * a rare character often say the same thing in other words (滅亡 | 所滅, 鞋子 | 鞋, 舊名 | 昔名, 創立 | 成立),
 * which word coverage misses and character coverage keeps; a common character (年, 的, 人) weighs little.
 */
export function characterWeights(app: AnswerContext, terms: string[]): Map<string, number> {
  const idf = charIdf(app);
  const top = Math.log(1 + app.index.chunks.length);
  const out = new Map<string, number>();
  for (const t of terms) for (const ch of t.match(HAN) ?? []) out.set(ch, idf.get(ch) ?? top);
  return out;
}

/**
 * Weights of character bigrams by the rarer of their two characters: 演化 weighs by 演, 的发 by neither much. The
 * corpus's bigram counts would cost a table of every bigram; the characters' counts are at hand.
 */
function bigramWeights(app: AnswerContext, bigrams: Set<string>): Map<string, number> {
  const idf = charIdf(app);
  const top = Math.log(1 + app.index.chunks.length);
  const out = new Map<string, number>();
  for (const b of bigrams) {
    const chars = [...b].filter((ch) => /\p{Script=Han}/u.test(ch));
    if (chars.length === 2) out.set(b, Math.max(...chars.map((ch) => idf.get(ch) ?? top)));
  }
  return out;
}

function unseenWeight(app: AnswerContext): number {
  return app.index.bm25.idf("\u0000") || Math.log(1 + app.index.bm25.size);
}

/**
 * Re-weights terms by how well they tell the candidate sentences apart: the subject that every sentence of the
 * passage repeats counts little, the word that marks the answer (职业, 卒于, 全长) much.
 */
function discriminativeWeights(weights: Map<string, number>, candidates: Candidate[]): Map<string, number> {
  const n = candidates.length;
  const out = new Map<string, number>();
  for (const [t, w] of weights) {
    const df = candidates.reduce((k, c) => k + (c.norm.includes(t) ? 1 : 0), 0);
    out.set(t, w * Math.log(1 + n / (1 + df)));
  }
  return out;
}

const QUESTION_WORDS = questionWords("stripped", "g");

/** Character bigrams of the question without its question words: catches shared words jieba cut otherwise. */
function questionBigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const piece of text.replace(QUESTION_WORDS, " ").split(/[\s\p{P}]+/u)) {
    for (let i = 0; i + 1 < piece.length; i++) out.add(piece.slice(i, i + 2));
  }
  return out;
}

function bigramCoverage(norm: string, bigrams: Set<string>): number {
  if (bigrams.size === 0) return 0;
  let found = 0;
  for (const b of bigrams) if (norm.includes(b)) found++;
  return found / bigrams.size;
}

/** Question words whose place in the question is where the answer stands in a sentence that states it. */
const WH_WORD = questionWords("slot");

/**
 * The words right before and right after the question word (武穴酥糖一般只在|什么时候|生产销售 → 只在, 生产销):
 * a sentence that states the answer often keeps both around it. Each side is two to three characters, without
 * the particles that the question adds (的, 是, 为).
 */
export function slotAnchors(text: string): { left: string; right: string } {
  const m = WH_WORD.exec(text);
  if (!m) return { left: "", right: "" };
  const left = text
    .slice(Math.max(0, m.index - 3), m.index)
    .replace(/[的是为有]+$/, "")
    .replace(/^[\p{P}\s]+/u, "");
  const right = text
    .slice(m.index + m[0].length, m.index + m[0].length + 3)
    .replace(/^[的]+/, "")
    .replace(/[\p{P}\s].*$/u, "");
  return { left: left.length >= 2 ? left : "", right: right.length >= 2 ? right : "" };
}

/** 1 when a sentence keeps both anchors in the question's order, 0.5 for one of them, 0 for none. */
function slotFit(norm: string, anchors: { left: string; right: string }): number {
  const l = anchors.left ? norm.indexOf(anchors.left) : -1;
  const r = anchors.right ? norm.indexOf(anchors.right, Math.max(l, 0)) : -1;
  if (l >= 0 && r >= 0) return 1;
  return l >= 0 || (anchors.right && norm.includes(anchors.right)) ? 0.5 : 0;
}

/** What is shared by every candidate of one part: weights, bigrams, the best similarity. */
export interface PartContext {
  part: QuestionPart;
  weights: Map<string, number>;
  /** The same, heaviest first. */
  byWeight: [string, number][];
  partWeights: Map<string, number>;
  sharpWeights: Map<string, number>;
  focusWeights: Map<string, number>;
  bigrams: Set<string>;
  maxSem: number;
  unseen: number;
  anchors: { left: string; right: string };
  relations: CueRelation[];
  charWeights: Map<string, number>;
  /** The question's character bigrams, each weighted by its rarer character's weight. */
  bigramWeights: Map<string, number>;
}

export function partContext(
  app: AnswerContext,
  q: AnalyzedQuestion,
  part: QuestionPart,
  candidates: Candidate[],
): PartContext {
  const weights = termWeights(app, [...new Set([...part.terms, ...q.terms.filter((t) => !part.terms.includes(t))])]);
  const partWeights = termWeights(app, part.terms);
  return {
    part,
    weights,
    byWeight: [...weights].sort((a, b) => b[1] - a[1]),
    partWeights,
    sharpWeights: discriminativeWeights(partWeights, candidates),
    focusWeights: termWeights(app, part.focus),
    bigrams: questionBigrams(part.text),
    maxSem: Math.max(0, ...candidates.map((c) => c.sem)),
    unseen: unseenWeight(app),
    anchors: slotAnchors(part.text),
    relations: askedRelations(part.text),
    charWeights: characterWeights(app, part.terms),
    bigramWeights: bigramWeights(app, questionBigrams(part.text)),
  };
}

/** The features of one candidate for one part. */
export function candidateFeatures(ctx: PartContext, q: AnalyzedQuestion, c: Candidate): Features {
  const title = normalizeForMatch(c.chunk.metadata.title);
  const context = normalizeForMatch(`${c.chunk.metadata.title} ${c.chunk.metadata.heading}`);
  // The document's title names what every sentence of it is about, so its words count as present in each
  // sentence and the words of the asked attribute decide. Not for 哪里 questions, where the title's own place
  // names would favour sentences without the answer.
  const seen = ctx.part.kind === "place" ? c.norm : `${c.norm}\n${title}`;
  const window = `${c.prevNorm}\n${seen}\n${c.nextNorm}`;
  // The heaviest words first: the first one the sentence lacks is `missing`, the first one the window lacks too
  // is `winMissing`, and the search stops there.
  let missing = -1;
  let winMissing = 0;
  for (const [t, w] of ctx.byWeight) {
    if (mentionsTerm(seen, t)) continue;
    if (missing < 0) missing = w / ctx.unseen;
    if (!mentionsTerm(window, t)) {
      winMissing = w / ctx.unseen;
      break;
    }
  }
  missing = Math.max(missing, 0);
  return {
    cov: 0.7 * coverage(seen, ctx.partWeights) + 0.3 * coverage(seen, ctx.weights),
    sharp: coverage(seen, ctx.sharpWeights),
    bigram: bigramCoverage(seen, ctx.bigrams),
    ctx: coverage(context, ctx.weights),
    passage: c.passageScore,
    rank: c.passageRank,
    sem: c.sem,
    semGap: c.sem - ctx.maxSem,
    typed:
      hasAnswerSpan(c.norm, ctx.part, q) ||
      yearFromBefore(c.norm, c.prevNorm, ctx.part, q) ||
      relativeYearFits(c.text, c.chunk.metadata.date, ctx.part)
        ? 1
        : 0,
    focus: ctx.focusWeights.size === 0 ? 1 : coverage(c.norm, ctx.focusWeights, true),
    covSyn: coverage(seen, ctx.weights, true),
    missing,
    slot: slotFit(c.norm, ctx.anchors),
    lead: c.lead ? 1 : 0,
    cue: cueFit(c.norm, ctx.relations),
    // The question's words over the sentence with the one before or after it (the better of the two).
    winCov: Math.max(coverage(`${c.prevNorm}\n${seen}`, ctx.weights), coverage(`${seen}\n${c.nextNorm}`, ctx.weights)),
    nbSem: c.neighbourSem,
    // The most important question word that neither the sentence nor the ones beside it hold: a question often
    // takes its words from one sentence and its answer from the next (…有害無益的 | 它不但不能使歐洲免於穆斯林世界的威脅).
    winMissing,
    chars: coverage(seen, ctx.charWeights),
    bigramW: coverage(seen, ctx.bigramWeights),
    // The question's characters over the sentence with the one before or after it, as winCov for words.
    winChars: Math.max(
      coverage(`${c.prevNorm}\n${seen}`, ctx.charWeights),
      coverage(`${seen}\n${c.nextNorm}`, ctx.charWeights),
    ),
  };
}

// The extractive answerer: no language model. From the ranked passages it picks, for each part of the
// question, the sentence that answers it (a figure of the asked kind and unit, close to the question's key
// terms, agreeing with its entities), trims it to the clauses that matter, and cites it. When the passages do
// not support the question's entities or hold no figure of the asked kind, it refuses and shows leads.
import type { App } from "../app.js";
import type { Chunk } from "../corpus/chunk.js";
import type { ScoredPassage } from "../search/retriever.js";
import { mentions, type Entity } from "../text/entities.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { splitSentences } from "../text/sentences.js";
import { analyzeQuestion, type AnalyzedQuestion, type QuestionPart } from "./question.js";
import type { AnswerResult, Citation, PassageOut } from "./types.js";
import { verifyFigures } from "./verify.js";

/** How many ranked passages are read for answer sentences; passages retrieved; passages returned. */
const READ_PASSAGES = 6;
export const RETRIEVE = 20;
const SHOW_PASSAGES = 10;
const MAX_ANSWER_CHARS = 130;
const FACT_ANSWER_CHARS = 60;
/** Below this share of the question's (IDF-weighted) terms, the best sentence is too weak to answer. */
const MIN_COVERAGE = 0.25;
/** An answer from another document this close in score is shown beside the best one. */
const AMBIGUITY_RATIO = 0.8;
const ANCHORED_AMBIGUITY_RATIO = 0.5;
const BIGRAM_WEIGHT = 0.5;
/** Weight of the retrieval score of the passage a sentence comes from. */
const PASSAGE_WEIGHT = 0.4;
/** An amount written in Chinese numerals (六个, 两种, 三百多名; not the ordinal 第十批): answers 几/多少 too. */
const CHINESE_AMOUNT = /(?<!第)[一二两三四五六七八九十百千万]+[多余]?(个|种|名|人|位|张|次|座|条|项|家|所|分|年|天|岁|倍|层|部|本|届|场|支|间|处|类)/g;

function chineseAmountFits(norm: string, part: QuestionPart): boolean {
  const anyUnit = part.units.length === 0 || part.units.includes("");
  return [...norm.matchAll(CHINESE_AMOUNT)].some((m) => anyUnit || part.units.includes(m[1] ?? ""));
}

/** Entities that must be supported by the passage an answer comes from. */
const REQUIRED_ENTITY: ReadonlySet<Entity["kind"]> = new Set(["batch", "place", "org", "year"]);

interface Candidate {
  text: string;
  norm: string;
  chunk: Chunk;
  passage: string;
  passageRank: number;
  passageScore: number;
  figures: Figure[];
}

interface Pick {
  candidate: Candidate;
  span: string;
  score: number;
  coverage: number;
}

/**
 * The passages read for answer sentences: the best READ_PASSAGES, plus the best passage of each other
 * document further down, so that a question several documents answer differently sees all of them.
 */
function passagesToRead(passages: ScoredPassage[]): ScoredPassage[] {
  const read = passages.slice(0, READ_PASSAGES);
  const sources = new Set(read.map((p) => p.chunk.metadata.source));
  for (const p of passages.slice(READ_PASSAGES)) {
    if (sources.has(p.chunk.metadata.source)) continue;
    sources.add(p.chunk.metadata.source);
    read.push(p);
  }
  return read;
}

function candidatesFrom(passages: ScoredPassage[]): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  passagesToRead(passages).forEach((p, rank) => {
    for (const s of splitSentences(p.text)) {
      const key = `${p.chunk.metadata.source}:${s.text}`;
      if (seen.has(key) || s.text.length < 4) continue;
      seen.add(key);
      const norm = normalizeForMatch(s.text);
      out.push({ text: s.text, norm, chunk: p.chunk, passage: p.text, passageRank: rank, passageScore: p.score, figures: extractFigures(norm) });
    }
  });
  return out;
}

function figureFits(fig: Figure, part: QuestionPart): boolean {
  if (part.kind === "date") return fig.kind === "date";
  if (part.kind !== "amount") return true;
  if (fig.kind === "date") return part.units.includes("年") || part.units.includes("月");
  if (part.units.length === 0) return fig.kind === "amount" || fig.kind === "percent" || fig.kind === "number";
  // "" among the units: a figure without a unit of its own (150万, 1953) may answer too.
  if (part.units.includes("") && fig.unit === "" && fig.kind !== "percent") return true;
  return part.units.some((u) => u !== "" && (fig.text.endsWith(u) || fig.unit === u || (u === "%" && fig.kind === "percent")));
}

/** IDF weights of the question's terms; a word the corpus never uses weighs as much as its rarest word. */
function termWeights(app: App, terms: string[]): Map<string, number> {
  const weights = new Map<string, number>();
  const unseen = app.index.bm25.idf("\u0000") || Math.log(1 + app.index.bm25.size);
  for (const t of terms) {
    if (/^\d+(\.\d+)?$/.test(t)) continue;
    const idf = app.index.bm25.idf(t);
    weights.set(t, idf > 0 ? idf : unseen);
  }
  return weights;
}

const PLACE_WORD = /[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|州|镇|乡|村|地区|团场|师)/g;

/** Places named in a text that the question does not name itself (the answer to 哪个县). */
function newPlaces(norm: string, q: AnalyzedQuestion): string[] {
  return [...norm.matchAll(PLACE_WORD)].map((m) => m[0]).filter((p) => p.length >= 2 && !q.normalized.includes(p));
}

/** Whether a candidate's passage agrees with the question's required entities (淄博 is not 广东). */
function agreesWithEntities(c: Candidate, q: AnalyzedQuestion): boolean {
  const passage = normalizeForMatch(`${c.chunk.metadata.title}\n${c.passage}`);
  return q.entities.every((e) => !REQUIRED_ENTITY.has(e.kind) || mentions(passage, e));
}

/** Share of the question's term weight found in a text (0 … 1). */
function coverage(norm: string, weights: Map<string, number>): number {
  let total = 0;
  let found = 0;
  for (const [t, w] of weights) {
    total += w;
    if (norm.includes(t)) found += w;
  }
  return total > 0 ? found / total : 0;
}

/** Trims a long sentence to the run of clauses that best covers the question, keeping a fitting figure. */
function trimToClauses(
  text: string,
  weights: Map<string, number>,
  mustHave: (clause: string) => boolean,
  max = MAX_ANSWER_CHARS,
  extend = true,
  context = "",
): string {
  const clauses = text.match(/[^，,；;：:]+[，,；;：:]?/g) ?? [text];
  if (text.length <= max) {
    if (extend) return text;
    // A short fact sentence loses only its lead-in (据了解，按照计划，…): clauses that share nothing with the
    // question and hold no fitting figure.
    let from = 0;
    while (from < clauses.length - 1) {
      const norm = normalizeForMatch(clauses[from] ?? "");
      if (coverage(norm, weights) > 0 || mustHave(norm) || !mustHave(normalizeForMatch(clauses.slice(from + 1).join("")))) break;
      from++;
    }
    return clauses.slice(from).join("");
  }
  let best = { from: 0, to: 0, score: -1 };
  for (let i = 0; i < clauses.length; i++) {
    let len = 0;
    for (let j = i; j < clauses.length; j++) {
      len += clauses[j]?.length ?? 0;
      if (len > max && j > i) break;
      const span = clauses.slice(i, j + 1).join("");
      const norm = normalizeForMatch(span);
      if (!mustHave(norm)) continue;
      // Words of the context (the document's title) count as present: the clause with the asked attribute wins.
      const score = coverage(`${norm}\n${context}`, weights) - 0.002 * span.length;
      if (score > best.score) best = { from: i, to: j, score };
    }
  }
  if (best.score < 0) return text;
  // The answer usually follows the words the question shares with the sentence: keep the next clause too.
  let to = best.to;
  const length = (a: number, b: number): number => clauses.slice(a, b + 1).join("").length;
  while (extend && to + 1 < clauses.length && length(best.from, to + 1) <= max && to - best.to < 1) to++;
  return clauses.slice(best.from, to + 1).join("").replace(/[，,；;：:、]$/, "");
}

/**
 * Re-weights terms by how well they tell the candidate sentences apart: the subject that every sentence of the
 * passage repeats (莱昂德罗·内托) counts little, the word that marks the answer (职业, 卒于, 全长) much.
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

const QUESTION_WORDS = /什么|多少|哪里|哪个|哪些|哪一|哪年|怎么|怎样|如何|为什么|是谁|谁|几|吗|呢|请问|是否/g;

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

/** Candidate sentences that can answer the part, best first (spans trimmed for the first few only). */
function rankForPart(app: App, q: AnalyzedQuestion, part: QuestionPart, candidates: Candidate[]): Pick[] {
  const bigrams = questionBigrams(part.text);
  const weights = termWeights(app, [...new Set([...part.terms, ...q.terms.filter((t) => !part.terms.includes(t))])]);
  const partWeights = termWeights(app, part.terms);
  const sharpWeights = discriminativeWeights(partWeights, candidates);
  const fits = (norm: string): boolean => {
    if (part.kind === "amount" && chineseAmountFits(norm, part)) return true;
    if (part.kind === "amount" || part.kind === "date") return extractFigures(norm).some((f) => figureFits(f, part));
    if (part.kind === "place") return newPlaces(norm, q).length > 0;
    return true;
  };
  const ranked: Pick[] = [];
  for (const c of candidates) {
    if (!fits(c.norm) || !agreesWithEntities(c, q)) continue;
    // A sentence that only repeats the title (a heading line) answers nothing.
    if (c.norm === normalizeForMatch(c.chunk.metadata.title) || c.norm.replace(/[\p{P}\s]/gu, "").length < 6) continue;
    const context = normalizeForMatch(`${c.chunk.metadata.title} ${c.chunk.metadata.heading}`);
    // The document's title names what every sentence of it is about (拉迪氏苦味银汉鱼…), so its words count as
    // present in each sentence and the words of the asked attribute (虹膜, 颜色) decide. Not for 哪里 questions,
    // where the title's own place names would favour sentences without the answer (measured on CMRC).
    const seen = part.kind === "place" ? c.norm : `${c.norm}\n${normalizeForMatch(c.chunk.metadata.title)}`;
    const cov = 0.7 * coverage(seen, partWeights) + 0.3 * coverage(seen, weights);
    const sharp = coverage(seen, sharpWeights);
    const ctx = coverage(context, weights);
    const score =
      0.5 * cov + 0.5 * sharp + BIGRAM_WEIGHT * bigramCoverage(seen, bigrams) + 0.1 * ctx + PASSAGE_WEIGHT * c.passageScore - 0.02 * c.passageRank;
    ranked.push({ candidate: c, span: c.text, score, coverage: cov });
  }
  ranked.sort((a, b) => b.score - a.score);
  // A figure, date or place is stated in a clause or two; a description may need the whole sentence.
  const fact = part.kind === "amount" || part.kind === "date";
  const max = fact ? FACT_ANSWER_CHARS : MAX_ANSWER_CHARS;
  for (const pick of ranked.slice(0, 8)) {
    const context = part.kind === "place" ? "" : normalizeForMatch(pick.candidate.chunk.metadata.title);
    pick.span = trimToClauses(pick.candidate.text, partWeights, fits, max, !fact, context);
  }
  return ranked;
}

/**
 * Other documents' answers to the same part when the question does not say which one it means (第十批援藏 is
 * both 山东's and 广东's): close in score, from another document, stating a different figure.
 */
function alternativesFor(best: Pick, ranked: Pick[], q: AnalyzedQuestion, part: QuestionPart): Pick[] {
  if (q.entities.some((e) => e.kind === "place" || e.kind === "org") || (part.kind !== "amount" && part.kind !== "date")) return [];
  const bestFigures = new Set(best.candidate.figures.filter((f) => figureFits(f, part)).map((f) => f.text));
  const anchors = q.entities.filter((e) => e.kind === "batch" || e.kind === "year");
  const out: Pick[] = [];
  const sources = new Set([best.candidate.chunk.metadata.source]);
  for (const other of ranked.slice(1, 8)) {
    if (sources.has(other.candidate.chunk.metadata.source)) continue;
    // A sentence that itself names the question's batch or year (第十批) is the same question asked of
    // another document even when it words the rest differently (干部人才 for 工作队).
    const anchored = anchors.length > 0 && anchors.every((e) => mentions(other.candidate.norm, e));
    const ratio = anchored ? ANCHORED_AMBIGUITY_RATIO : AMBIGUITY_RATIO;
    if (other.score < best.score * ratio || other.coverage < MIN_COVERAGE) continue;
    const figures = other.candidate.figures.filter((f) => figureFits(f, part)).map((f) => f.text);
    if (figures.length === 0 || figures.every((f) => bestFigures.has(f))) continue;
    sources.add(other.candidate.chunk.metadata.source);
    out.push(other);
  }
  return out;
}

/** Ranked passages as the answer JSON shows them. */
export function passagesOut(passages: ScoredPassage[]): PassageOut[] {
  return passages.map((p) => ({
    source: p.chunk.metadata.source,
    chunkId: p.chunk.metadata.chunkId,
    score: Number(p.score.toFixed(4)),
    text: p.text,
  }));
}

function refusal(question: string, reason: string, passages: ScoredPassage[]): AnswerResult {
  return { question, answered: false, mode: "extractive", answer: `资料中未找到${reason}。`, citations: [], passages: passagesOut(passages) };
}

/** Parts answered by one sentence become one span of it, from the first part's clause to the last one's. */
function mergeSameSentence(picks: Pick[]): Pick[] {
  const out: Pick[] = [];
  for (const pick of picks) {
    const same = out.find((p) => p.candidate === pick.candidate);
    if (!same) {
      out.push({ ...pick });
      continue;
    }
    const text = pick.candidate.text;
    const a = text.indexOf(same.span);
    const b = text.indexOf(pick.span);
    if (a < 0 || b < 0) continue;
    same.span = text.slice(Math.min(a, b), Math.max(a + same.span.length, b + pick.span.length));
  }
  return out;
}

/** Entities of the question that none of the read passages mention. */
function unsupportedEntities(q: AnalyzedQuestion, passages: ScoredPassage[]): Entity[] {
  const texts = passages.slice(0, READ_PASSAGES).map((p) => normalizeForMatch(`${p.chunk.metadata.title}\n${p.text}`));
  return q.entities.filter((e) => REQUIRED_ENTITY.has(e.kind) && !texts.some((t) => mentions(t, e)));
}


/**
 * Answers one question from the index: an extractive, cited answer or an honest refusal. `searched` passes the
 * RETRIEVE best passages when the caller has already retrieved them.
 */
export async function answerQuestion(app: App, question: string, searched?: ScoredPassage[]): Promise<AnswerResult> {
  const q = analyzeQuestion(question);
  const retrieved = searched ?? (await app.retriever.hybridSearch(question, { k: RETRIEVE }));
  const passages = retrieved.slice(0, SHOW_PASSAGES);
  if (passages.length === 0) return refusal(question, "任何相关内容", passages);
  const missing = unsupportedEntities(q, passages);
  if (missing.length > 0) return refusal(question, `关于“${missing.map((e) => e.text).join("、")}”的内容`, passages);

  const candidates = candidatesFrom(retrieved);
  const picks: Pick[] = [];
  let ambiguous = false;
  for (const part of q.parts) {
    let ranked = rankForPart(app, q, part, candidates);
    // No sentence of the asked shape (a place with 县/市…, a figure with the asked unit): look again, for any
    // sentence (a place named otherwise) or a figure with no unit at all (150万), covering the question as well.
    if ((!ranked[0] || ranked[0].coverage < MIN_COVERAGE) && (part.kind === "place" || (part.kind === "amount" && part.units.length > 0))) {
      ranked = rankForPart(app, q, part.kind === "place" ? { ...part, kind: "thing" } : { ...part, units: [...part.units, ""] }, candidates);
    }
    const pick = ranked[0];
    if (!pick || pick.coverage < MIN_COVERAGE) return refusal(question, "能回答这个问题的内容", passages);
    picks.push(pick);
    const alternatives = q.parts.length === 1 ? alternativesFor(pick, ranked, q, part) : [];
    if (alternatives.length > 0) ambiguous = true;
    picks.push(...alternatives);
  }

  const citations: Citation[] = [];
  const pieces: string[] = [];
  for (const pick of mergeSameSentence(picks)) {
    let cit = citations.find((c) => c.chunkId === pick.candidate.chunk.metadata.chunkId && c.quote === pick.candidate.text);
    if (!cit) {
      cit = {
        n: citations.length + 1,
        source: pick.candidate.chunk.metadata.source,
        title: pick.candidate.chunk.metadata.title,
        quote: pick.candidate.text,
        chunkId: pick.candidate.chunk.metadata.chunkId,
      };
      citations.push(cit);
    }
    const span = pick.span.replace(/[。！？!?；;，,：:、]+$/, "");
    if (!pieces.some((p) => p.includes(span))) pieces.push(`${span}。[${cit.n}]`);
  }
  const answer = ambiguous
    ? `不同文件分别给出不同的答案：${pieces.map((p) => p.replace(/。(\[\d+\])$/, "$1")).join("；")}。`
    : pieces.join("");
  const check = verifyFigures(answer, citations);
  if (!check.ok) return refusal(question, "可核实的答案", passages);
  return { question, answered: true, mode: "extractive", answer, citations, passages: passagesOut(passages) };
}

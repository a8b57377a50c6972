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

/** How many ranked passages are read for answer sentences. */
const READ_PASSAGES = 6;
const MAX_ANSWER_CHARS = 80;
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

function candidatesFrom(passages: ScoredPassage[]): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  passages.slice(0, READ_PASSAGES).forEach((p, rank) => {
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
  return part.units.some((u) => fig.text.endsWith(u) || fig.unit === u || (u === "%" && fig.kind === "percent"));
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
function trimToClauses(text: string, weights: Map<string, number>, mustHave: (clause: string) => boolean): string {
  if (text.length <= MAX_ANSWER_CHARS) return text;
  const clauses = text.match(/[^，,；;：:、]+[，,；;：:、]?/g) ?? [text];
  let best = { from: 0, to: 0, score: -1 };
  for (let i = 0; i < clauses.length; i++) {
    let len = 0;
    for (let j = i; j < clauses.length; j++) {
      len += clauses[j]?.length ?? 0;
      if (len > MAX_ANSWER_CHARS && j > i) break;
      const span = clauses.slice(i, j + 1).join("");
      const norm = normalizeForMatch(span);
      if (!mustHave(norm)) continue;
      const score = coverage(norm, weights) - 0.002 * span.length;
      if (score > best.score) best = { from: i, to: j, score };
    }
  }
  if (best.score < 0) return text;
  return clauses.slice(best.from, best.to + 1).join("").replace(/[，,；;：:、]$/, "");
}

function pickForPart(app: App, q: AnalyzedQuestion, part: QuestionPart, candidates: Candidate[]): Pick | undefined {
  const weights = termWeights(app, [...new Set([...part.terms, ...q.terms.filter((t) => !part.terms.includes(t))])]);
  const partWeights = termWeights(app, part.terms);
  let best: Pick | undefined;
  const fits = (norm: string): boolean => {
    if (part.kind === "amount" || part.kind === "date") return extractFigures(norm).some((f) => figureFits(f, part));
    if (part.kind === "place") return newPlaces(norm, q).length > 0;
    return true;
  };
  for (const c of candidates) {
    if (!fits(c.norm) || !agreesWithEntities(c, q)) continue;
    const context = normalizeForMatch(`${c.chunk.metadata.title} ${c.chunk.metadata.heading}`);
    const cov = 0.7 * coverage(c.norm, partWeights) + 0.3 * coverage(c.norm, weights);
    const ctx = coverage(context, weights);
    const score = cov + 0.1 * ctx + 0.15 * c.passageScore - 0.02 * c.passageRank;
    if (!best || score > best.score) {
      best = { candidate: c, span: trimToClauses(c.text, partWeights, fits), score, coverage: cov };
    }
  }
  return best;
}

function passagesOut(passages: ScoredPassage[]): PassageOut[] {
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

/** Entities of the question that none of the read passages mention. */
function unsupportedEntities(q: AnalyzedQuestion, passages: ScoredPassage[]): Entity[] {
  const texts = passages.slice(0, READ_PASSAGES).map((p) => normalizeForMatch(`${p.chunk.metadata.title}\n${p.text}`));
  return q.entities.filter((e) => REQUIRED_ENTITY.has(e.kind) && !texts.some((t) => mentions(t, e)));
}

const MIN_COVERAGE = 0.35;

/** Answers one question from the index: an extractive, cited answer or an honest refusal. */
export async function answerQuestion(app: App, question: string): Promise<AnswerResult> {
  const q = analyzeQuestion(question);
  const passages = await app.retriever.hybridSearch(question, { k: 10 });
  if (passages.length === 0) return refusal(question, "任何相关内容", passages);
  const missing = unsupportedEntities(q, passages);
  if (missing.length > 0) return refusal(question, `关于“${missing.map((e) => e.text).join("、")}”的内容`, passages);

  const candidates = candidatesFrom(passages);
  const picks: Pick[] = [];
  for (const part of q.parts) {
    const pick = pickForPart(app, q, part, candidates);
    if (!pick || pick.coverage < MIN_COVERAGE) return refusal(question, "能回答这个问题的内容", passages);
    picks.push(pick);
  }

  const citations: Citation[] = [];
  const pieces: string[] = [];
  for (const pick of picks) {
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
  const answer = pieces.join("");
  const check = verifyFigures(answer, citations);
  if (!check.ok) return refusal(question, "可核实的答案", passages);
  return { question, answered: true, mode: "extractive", answer, citations, passages: passagesOut(passages) };
}

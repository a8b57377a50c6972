// The extractive answerer's pipeline: no language model. Each step is a named function in its own module:
//   1. retrieve               hybrid retrieval (src/search/retriever.ts)
//   2. answerAcross           a comparison or total across documents (cross.ts), when the question asks one
//   3. analyzeQuestion        what is asked: type, unit, level, focus, entities, parts (question.ts);
//                             early refusals: a bare word, an entity no passage mentions (result.ts)
//   4. analyzeCandidates      candidate sentences (candidates.ts) through the gates (gates.ts), measured
//                             (features.ts), ranked and given a confidence by the fitted model (model.ts, rank.ts)
//   5. selectExcerpts         per part the best sentence, or the alternatives of other documents
//                             (alternatives.ts), with what is quoted around it (excerpt.ts); refused with the
//                             closest lead when no candidate is confident enough
//   6. composeAnswer          trimmed, cited (compose.ts), checked: a person asked by name, every figure in its
//                             citation's quote (verify.ts)
//   7. listPoints             an open question (做了哪些项目？) answered as a cited list of its report's points
//                             (open.ts)
import type { ScoredPassage } from "../search/retriever.js";
import { normalizeForMatch } from "../text/normalize.js";
import { alternativesFor, perSource } from "./alternatives.js";
import type { Candidate } from "./candidates.js";
import { composePieces, joinExcerpt, type Selection } from "./compose.js";
import type { AnswerContext } from "./context.js";
import { answerCross } from "./cross.js";
import { analyzeCross } from "./cross-question.js";
import { antecedentOf, besideRunnerUp, yearOfRelative } from "./excerpt.js";
import { answerModel } from "./model.js";
import { LEAD_MIN_COVERAGE, MAX_SOURCES_SHOWN, OPEN_MORE_POINTS, RETRIEVE, SHOW_PASSAGES } from "./params.js";
import { isOpenQuestion, listPoints, mayHaveMorePoints, pointsNotShown } from "./open.js";
import { analyzeQuestion, type AnalyzedQuestion } from "./question.js";
import { analyzeCandidates, rankForPart, type PartAnalysis } from "./rank.js";
import {
  isBareWord,
  passagesOut,
  refuseBareWord,
  refuseMissingEntities,
  refuseNothingFound,
  refuseUnanswered,
  refuseUnverified,
  unsupportedEntities,
} from "./result.js";
import { asksPersonName, namesSomething } from "./persons.js";
import type { AnswerResult } from "./types.js";
import { verifyFigures } from "./verify.js";

/** Step 1: the RETRIEVE best passages for the question. */
export function retrieve(app: AnswerContext, question: string): Promise<ScoredPassage[]> {
  return app.retriever.hybridSearch(question, { k: RETRIEVE });
}

/**
 * Step 2: a comparison or a total (哪个省援藏资金更多？ 两批一共选派了多少人？): each side asked on its own
 * through steps 1 and 4, the computation checked against the cited inputs. Undefined when the question asks
 * none, or when its sides cannot be answered (the single-answer steps then try).
 */
export async function answerAcross(
  app: AnswerContext,
  question: string,
  passages: ScoredPassage[],
): Promise<AnswerResult | undefined> {
  const cross = analyzeCross(question);
  if (!cross) return undefined;
  const analyze = async (sub: string) => {
    const found = await retrieve(app, sub);
    const { parts } = await analyzeCandidates(app, sub, found);
    return parts[0] ? { part: parts[0].part, ranked: parts[0].ranked, confidence: parts[0].confidence } : undefined;
  };
  return answerCross({ app, question, passages, analyze, passagesOut }, cross);
}

/** What step 5 chose: the selections to compose, or the closest lead of a refusal. */
type Excerpts =
  { selections: Selection[]; ambiguous: boolean; more?: number } | { refused: true; lead: Selection | undefined };

/**
 * Step 5: per part, the best candidate with what is quoted around it (the runner-up beside it, the year of its
 * 同年, the antecedent of its opening 他), or each document's answer when several answer it differently. A part
 * whose best candidate is not likely enough to answer refuses the whole question, with the closest lead: the best
 * sentence for the part regardless of type, if it is about the question at all.
 */
export function selectExcerpts(
  app: AnswerContext,
  q: AnalyzedQuestion,
  candidates: Candidate[],
  parts: PartAnalysis[],
): Excerpts {
  const { threshold } = answerModel();
  const selections: Selection[] = [];
  let ambiguous = false;
  let more = 0;
  const single = q.parts.length === 1;
  for (const analysis of parts) {
    const pick = analysis.ranked[0];
    if (!pick || analysis.confidence < threshold) {
      const lead = rankForPart(app, q, analysis.part, candidates, { gated: false })[0];
      return { refused: true, lead: lead && lead.features.covSyn >= LEAD_MIN_COVERAGE ? lead : undefined };
    }
    const alternatives = single ? alternativesFor(app, pick, analysis.ranked, q, analysis.part) : [];
    if (alternatives.length > 0) {
      ambiguous = true;
      const lines = perSource(app, [pick, ...alternatives], analysis.part);
      selections.push(...lines.slice(0, MAX_SOURCES_SHOWN));
      more = Math.max(0, lines.length - MAX_SOURCES_SHOWN);
      continue;
    }
    const beside = single ? besideRunnerUp(analysis.ranked) : undefined;
    const excerpt = beside
      ? beside.candidate.position < pick.candidate.position
        ? [beside, pick]
        : [pick, beside]
      : [pick];
    const dated = excerpt[0] ? yearOfRelative(excerpt[0], candidates, analysis.part, q) : undefined;
    if (dated) excerpt[0] = dated.first;
    const before =
      single && excerpt[0] ? (antecedentOf(excerpt[0], candidates, analysis.part) ?? dated?.before) : undefined;
    selections.push(...joinExcerpt(before ? [before, ...excerpt] : excerpt));
  }
  return { selections, ambiguous, ...(more > 0 ? { more } : {}) };
}

/**
 * Step 6: the selections composed into the answer with citations. A person asked for by name (叫什么名字) and an
 * answer that names no one the question does not: refused with it as the lead, not shown as the answer (the
 * person type is a ranker feature, names being too varied for a gate). Several sources: one line each (whose
 * figure, the figure, its citation), not a claim that they conflict. Every figure must stand in a quote.
 */
export function composeAnswer(
  question: string,
  q: AnalyzedQuestion,
  parts: PartAnalysis[],
  excerpts: { selections: Selection[]; ambiguous: boolean; more?: number },
  passages: ScoredPassage[],
): AnswerResult {
  const { selections, ambiguous } = excerpts;
  const { pieces, citations } = composePieces(selections);
  const [only] = parts;
  if (
    parts.length === 1 &&
    only?.part.asked === "person" &&
    asksPersonName(only.part.text) &&
    !namesSomething(normalizeForMatch(pieces.join("")), q)
  ) {
    return refuseUnanswered(question, passages, selections[0]);
  }
  const answer = ambiguous
    ? `各文件分别给出：\n${pieces.map((p) => p.replace(/。(\[\d+\])$/, "$1")).join("\n")}`
    : pieces.join("");
  if (!verifyFigures(answer, citations).ok) return refuseUnverified(question, passages);
  // How many sources are not listed, in words (三份): a count of this answer's sources, not a figure of a report.
  const shown = excerpts.more
    ? `${answer}\n另有${chineseCount(excerpts.more)}份资料给出其他数字，未列出；问题里加上年份、批次或地区可以问得更准。`
    : answer;
  return { question, answered: true, mode: "extractive", answer: shown, citations, passages: passagesOut(passages) };
}

/**
 * Answers one question from the index: an extractive, cited answer or an honest refusal. `searched` passes the
 * RETRIEVE best passages when the caller has already retrieved them.
 */
export async function answerQuestion(
  app: AnswerContext,
  question: string,
  searched?: ScoredPassage[],
  options: { openPoints?: number } = {},
): Promise<AnswerResult> {
  const retrieved = searched ?? (await retrieve(app, question));
  const passages = retrieved.slice(0, SHOW_PASSAGES);
  if (passages.length === 0) return refuseNothingFound(question);
  const across = await answerAcross(app, question, passages);
  if (across) return across;
  const analyzed = analyzeQuestion(question);
  if (isBareWord(analyzed)) return refuseBareWord(question, passages);
  const missing = unsupportedEntities(analyzed, passages);
  if (missing.length > 0) return refuseMissingEntities(question, missing, passages);
  const { q, candidates, parts } = await analyzeCandidates(app, question, retrieved, { analyzed });
  const excerpts = selectExcerpts(app, q, candidates, parts);
  if ("refused" in excerpts) return refuseUnanswered(question, passages, excerpts.lead);
  const composed = composeAnswer(question, q, parts, excerpts, passages);
  if (!composed.answered || excerpts.ambiguous || !isOpenQuestion(q)) return composed;
  const vector = await app.embeddings.embedQuestion(question);
  return listPoints(app, q, candidates, composed, vector, options.openPoints) ?? composed;
}

/** A small count in Chinese numerals (三), so that it never reads as a figure from a report. */
function chineseCount(n: number): string {
  return "零一两三四五六七八九十"[n] ?? "多";
}

/** The points of an open question's list that its answer did not show (the bot's 更多 button), or undefined. */
export async function morePoints(app: AnswerContext, shown: AnswerResult): Promise<AnswerResult | undefined> {
  if (!mayHaveMorePoints(shown)) return undefined;
  return pointsNotShown(await answerQuestion(app, shown.question, undefined, { openPoints: OPEN_MORE_POINTS }), shown);
}

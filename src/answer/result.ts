// What the answerer returns: the ranked passages as the answer JSON shows them, and its refusals, each a named
// function so the pipeline reads as a list of decisions. A refusal says plainly that the documents do not hold
// the answer and, when one is close, shows it as related content, never as the answer.
import type { ScoredPassage } from "../search/retriever.js";
import type { Entity } from "../text/entities.js";
import { READ_PASSAGES } from "./candidates.js";
import { composePieces, type Selection } from "./compose.js";
import { passageMentions, REQUIRED_ENTITY } from "./gates.js";
import type { AnalyzedQuestion } from "./question.js";
import type { AnswerResult, PassageOut } from "./types.js";
import { questionWords } from "./lexicon.js";

/** Any question word or mark (lexicon/question-words.txt). */
const ANY_QUESTION_WORD = questionWords("any");

/** The question a refusal of a bare word suggests (the chat's first example question, src/chat/help.ts). */
export const EXAMPLE_QUESTION = "淄博市第九批援藏工作组对口支援哪个县？";

/** Ranked passages as the answer JSON shows them. */
export function passagesOut(passages: ScoredPassage[]): PassageOut[] {
  return passages.map((p) => ({
    source: p.chunk.metadata.source,
    chunkId: p.chunk.metadata.chunkId,
    score: Number(p.final.toFixed(4)),
    text: p.text,
  }));
}

/** A refusal: 资料中未找到 what was missing, with the closest lead (shown whole, as related content) if any. */
export function refusal(question: string, reason: string, passages: ScoredPassage[], lead?: Selection): AnswerResult {
  const base = { question, answered: false, mode: "extractive" as const, passages: passagesOut(passages) };
  if (!lead) return { ...base, answer: `资料中未找到${reason}。`, citations: [] };
  // The closest lead, shown honestly as related content rather than as the answer.
  const { pieces, citations } = composePieces([{ ...lead, span: lead.candidate.text }]);
  return { ...base, answer: `资料中未找到${reason}；相关内容：${pieces.join("")}`, citations };
}

/** A word or two and nothing that asks (帮助, 昂仁县): no question word, no question mark, at most four characters. */
export function isBareWord(q: AnalyzedQuestion): boolean {
  const han = q.normalized.replace(/[^\p{Script=Han}]/gu, "");
  return (
    q.parts.length === 1 && q.parts[0]?.kind === "thing" && han.length <= 4 && !ANY_QUESTION_WORD.test(q.normalized)
  );
}

/** Entities of the question that none of the read passages mention. */
export function unsupportedEntities(q: AnalyzedQuestion, passages: ScoredPassage[]): Entity[] {
  const read = passages.slice(0, READ_PASSAGES);
  return q.entities.filter(
    (e) => REQUIRED_ENTITY.has(e.kind) && !read.some((p) => passageMentions(p.chunk, p.text, e)),
  );
}

/** Nothing was retrieved at all (an empty index, or no word of the question in it). */
export function refuseNothingFound(question: string): AnswerResult {
  return refusal(question, "任何相关内容", []);
}

/** 「帮助」, 「昂仁县」: a word is not a question; any sentence that contains it would be a guess. */
export function refuseBareWord(question: string, passages: ScoredPassage[]): AnswerResult {
  return {
    ...refusal(question, "能回答这个问题的内容", passages),
    answer: `资料中未找到能回答“${question.trim()}”的内容：请把问题问完整，例如：${EXAMPLE_QUESTION}`,
  };
}

/** The question names a batch, place, organisation, year or quoted name no read passage mentions. */
export function refuseMissingEntities(question: string, missing: Entity[], passages: ScoredPassage[]): AnswerResult {
  return refusal(question, `关于“${missing.map((e) => e.text).join("、")}”的内容`, passages);
}

/** No candidate is likely enough to answer (or none passed the gates): refused with the closest lead, if any. */
export function refuseUnanswered(question: string, passages: ScoredPassage[], lead?: Selection): AnswerResult {
  return refusal(question, "能回答这个问题的内容", passages, lead);
}

/** The composed answer states a figure no citation's quote holds. */
export function refuseUnverified(question: string, passages: ScoredPassage[]): AnswerResult {
  return refusal(question, "可核实的答案", passages);
}

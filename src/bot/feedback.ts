// 👍/👎 on an answer: one record (question, answer, passages, vote) for later evaluation, in FEEDBACK_FILE (JSON
// Lines) or, with DATABASE_URL, in PostgreSQL (state/records.ts). One vote per user and answer: pressing the same
// button again records nothing, pressing the other records the change (the reader keeps each user's latest vote
// on an answer).
import type { Records } from "../state/records.js";
import type { AnswerResult } from "../answer/types.js";

export interface FeedbackRecord {
  at: string;
  /** The answer's id (the one behind its buttons): a user's later vote on it replaces the earlier one. */
  answerId?: string;
  chatId: number;
  userId: number | undefined;
  vote: "up" | "down";
  question: string;
  answered: boolean;
  answer: string;
  citations: { n: number; source: string; quote: string }[];
  passages: { source: string; chunkId: string; score: number }[];
}

export async function recordFeedback(
  records: Records,
  result: AnswerResult,
  vote: "up" | "down",
  chatId: number,
  userId: number | undefined,
  answerId?: string,
): Promise<void> {
  const record: FeedbackRecord = {
    at: new Date().toISOString(),
    answerId,
    chatId,
    userId,
    vote,
    question: result.question,
    answered: result.answered,
    answer: result.answer,
    citations: result.citations.map(({ n, source, quote }) => ({ n, source, quote })),
    passages: result.passages.map(({ source, chunkId, score }) => ({ source, chunkId, score })),
  };
  await records.addFeedback(record);
}

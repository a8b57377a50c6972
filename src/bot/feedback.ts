// 👍/👎 on an answer: one JSON Lines record (question, answer, passages, vote) for later evaluation.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { AnswerResult } from "../answer/types.js";

export interface FeedbackRecord {
  at: string;
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
  file: string,
  result: AnswerResult,
  vote: "up" | "down",
  chatId: number,
  userId: number | undefined,
): Promise<void> {
  const record: FeedbackRecord = {
    at: new Date().toISOString(),
    chatId,
    userId,
    vote,
    question: result.question,
    answered: result.answered,
    answer: result.answer,
    citations: result.citations.map(({ n, source, quote }) => ({ n, source, quote })),
    passages: result.passages.map(({ source, chunkId, score }) => ({ source, chunkId, score })),
  };
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(record)}\n`);
}

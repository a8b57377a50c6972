// The answerer's one entry: `answer()` answers a question from the index, with the language model when one is
// configured (its answer verified, the extractive answer as fallback), else extractively (pipeline.ts). Every
// caller (the bot, the terminal chat, `ask`, `eval`) imports it from here.
import type { AnswerContext } from "./context.js";
import { answerQuestion } from "./pipeline.js";
import type { AnswerResult } from "./types.js";

export type { AnswerContext, ModelAnswerer } from "./context.js";
export type { AnswerResult, Citation, PassageOut } from "./types.js";
export { EXAMPLE_QUESTION } from "./result.js";
export { morePoints } from "./pipeline.js";
export { mayHaveMorePoints } from "./open.js";

/** The configured answerer: the language model when LLM_BASE_URL is set, otherwise the extractive one. */
export async function answer(
  app: AnswerContext,
  question: string,
  onDelta?: (textSoFar: string) => void,
): Promise<AnswerResult> {
  return app.llm ? app.llm.answer(app, question, onDelta) : answerQuestion(app, question);
}

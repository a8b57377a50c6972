// What the answerer needs from the application: the loaded index, hybrid retrieval, the question's vector and,
// when configured, the language model. app.ts builds these (its `App` is one); answer/ takes this small
// interface instead of `App`, so the dependency runs one way (app.ts → answer/) and a test or another store can
// hand the answerer just these parts.
import type { LoadedIndex } from "../search/index-store.js";
import type { RetrievalOptions, ScoredPassage } from "../search/retriever.js";
import type { AnswerResult } from "./types.js";

/** The parts of the loaded index the answerer reads. */
export type AnswerIndex = Pick<LoadedIndex, "chunks" | "bm25" | "sentences" | "figures">;

/** A language-model answerer (llm.ts) that verifies its answer and falls back to the extractive one. */
export interface ModelAnswerer {
  answer(context: AnswerContext, question: string, onDelta?: (textSoFar: string) => void): Promise<AnswerResult>;
}

export interface AnswerContext {
  index: AnswerIndex;
  retriever: { hybridSearch(question: string, options?: Partial<RetrievalOptions>): Promise<ScoredPassage[]> };
  /** The question embedded as itself (without the retrieval instruction), to compare with sentence vectors. */
  embeddings: { embedQuestion(text: string): Promise<number[]> };
  llm?: ModelAnswerer;
}

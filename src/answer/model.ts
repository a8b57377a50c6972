// Step 4 of the answerer: the fitted model. A linear ranker scores each candidate from its features; a logistic
// model turns the best candidate's features into the probability that it answers the question, and below the
// fitted threshold the answerer refuses. The weights live in weights.json beside this file, written by
// `npm run fit` (scripts/fit-answerer.ts) with the data and the cross-validated figures they came from.
import { readFileSync } from "node:fs";
import { FEATURE_NAMES, type Features } from "./features.js";

/** What the refusal model sees of a part's best candidate (and the runner-up). */
export const CONFIDENCE_NAMES = [
  "score", "margin", "sem", "cov", "covSyn", "missing", "focus", "typed", "dense", "denseTop", "slot", "bias",
] as const;
export type ConfidenceName = (typeof CONFIDENCE_NAMES)[number];
export type ConfidenceFeatures = Record<ConfidenceName, number>;

export interface AnswerModel {
  ranker: Record<string, number>;
  confidence: Record<string, number>;
  /** Refuse when the probability that the best candidate answers is below this. */
  threshold: number;
  /** How the weights were made (data, folds, cross-validated figures); informational. */
  fitted?: Record<string, unknown>;
}

const WEIGHTS_FILE = new URL("./weights.json", import.meta.url);

let loaded: AnswerModel | undefined;

/** The fitted model, read once. */
export function answerModel(): AnswerModel {
  loaded ??= JSON.parse(readFileSync(WEIGHTS_FILE, "utf8")) as AnswerModel;
  return loaded;
}

/** The ranker's score of a candidate. */
export function rankScore(features: Features, model: AnswerModel = answerModel()): number {
  let s = 0;
  for (const name of FEATURE_NAMES) s += (model.ranker[name] ?? 0) * features[name];
  return s;
}

/** The refusal model's probability that the best candidate answers the part. */
export function confidence(features: ConfidenceFeatures, model: AnswerModel = answerModel()): number {
  let z = 0;
  for (const name of CONFIDENCE_NAMES) z += (model.confidence[name] ?? 0) * features[name];
  return 1 / (1 + Math.exp(-z));
}

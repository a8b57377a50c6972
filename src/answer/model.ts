// Step 4 of the answerer: the fitted model. A linear ranker scores each candidate from its features; a logistic
// model turns the best candidate's features into the probability that it answers the question, and below the
// fitted threshold the answerer refuses. The weights live in weights.json beside this file, written by
// `npm run fit` (src/cli/fit.ts) with the data and the cross-validated figures they came from.
import { readFileSync } from "node:fs";
import { FEATURE_NAMES, type Features } from "./features.js";

/** What the refusal model sees of a part's best candidate (and the runner-up). */
export const CONFIDENCE_NAMES = [
  "score",
  "margin",
  "sem",
  "cov",
  "covSyn",
  "missing",
  "focus",
  "typed",
  "dense",
  "denseTop",
  "slot",
  "winCov",
  "nbSem",
  "bigram",
  "sharp",
  "fusedGap",
  "chars",
  "winChars",
  "bias",
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

/** What the retrieval says about a question as a whole: how close its first passage is, how clearly it leads. */
export interface RetrievalEvidence {
  /** The dense similarity of the first passage in the final order. */
  denseTop: number;
  /**
   * The first fused score minus the second (retriever.ts: each of BM25 and dense normalised to its best, so 1
   * when both put one passage first). Wide when both searches agree on one passage, narrow when the corpus has
   * no passage about the question and several half-match: measured on the fit's rows, the median gap is 0.49
   * for CMRC questions whose passage is in the corpus and 0.09 for those whose passage was left out.
   */
  fusedGap: number;
}

/** The retrieval evidence of a ranked passage list (the answerer's and the fit's one definition). */
export function retrievalEvidence(passages: readonly { score: number; dense: number }[]): RetrievalEvidence {
  const [a = 0, b = 0] = passages.map((p) => p.score).sort((x, y) => y - x);
  return { denseTop: passages[0]?.dense ?? 0, fusedGap: a - b };
}

/**
 * What the refusal model sees of a part's best candidate, from its ranker score, its features, the runner-up's
 * score, its passage's dense similarity and the retrieval's evidence (one definition for the answerer and the fit).
 */
export function confidenceInputs(
  top: { score: number; features: Features; passageDense: number },
  secondScore: number | undefined,
  retrieval: RetrievalEvidence,
): ConfidenceFeatures {
  const f = top.features;
  return {
    score: top.score,
    margin: secondScore === undefined ? 1 : top.score - secondScore,
    sem: f.sem,
    cov: f.cov,
    covSyn: f.covSyn,
    missing: f.missing,
    focus: f.focus,
    typed: f.typed,
    dense: top.passageDense,
    denseTop: retrieval.denseTop,
    slot: f.slot,
    winCov: f.winCov,
    nbSem: f.nbSem,
    bigram: f.bigram,
    sharp: f.sharp,
    fusedGap: retrieval.fusedGap,
    chars: f.chars,
    winChars: f.winChars,
    bias: 1,
  };
}

/**
 * The value of one refusal-model term: a feature (`sem`) or the product of two (`sem*cov`), so that the model
 * can learn that one signal matters more when another is weak (a close paraphrase with few shared words).
 */
export function confidenceTerm(term: string, features: ConfidenceFeatures): number {
  let v = 1;
  for (const name of term.split("*")) v *= (features as Record<string, number>)[name] ?? 0;
  return v;
}

/** Every product term of two features (bias excluded), in a fixed order: the refusal model's optional inputs. */
export function confidencePairs(): string[] {
  const base = CONFIDENCE_NAMES.filter((n) => n !== "bias");
  return base.flatMap((a, i) => base.slice(i).map((b) => `${a}*${b}`));
}

/** The refusal model's probability that the best candidate answers the part. */
export function confidence(features: ConfidenceFeatures, model: AnswerModel = answerModel()): number {
  let z = 0;
  for (const [term, w] of Object.entries(model.confidence)) z += w * confidenceTerm(term, features);
  return 1 / (1 + Math.exp(-z));
}

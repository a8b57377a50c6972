// Scores retrieval and answers over a question set. hit@k: a top-k passage comes from one of the question's
// own documents and contains an expected string; an answer is right (../shared/CONTRACT.md) when it is given,
// contains every expected string (or, for CMRC, any gold answer) ignoring white space and width, and cites an
// expected document; a question with no source is right only when refused.
import type { App } from "../app.js";
import { answer } from "../answer/index.js";
import { compactForCompare } from "../text/normalize.js";

export interface EvalItem {
  id: string;
  question: string;
  /** Expected strings; `|` separates accepted alternatives within one. */
  expect: string[];
  /** Documents that hold the answer; empty when the documents do not. */
  sources: string[];
  /**
   * "all": every expected string must appear (seeds QA); "any": one gold answer is enough (CMRC); "points": an
   * open question, right with at least `need` of the expected strings (its points).
   */
  mode: "all" | "any" | "points";
  /** For "points": how many of the points a right answer holds. */
  need?: number;
  /** What the question tests (fact, paraphrase, unanswerable …), reported separately. */
  kind?: string;
  /** Questions of one group (an article) are kept in one cross-validation fold. */
  group?: string;
}

/** Right answers out of the questions of one kind. */
export interface KindScore {
  right: number;
  total: number;
  /** For questions with several expected strings (ambiguous: each source's figure; open: points): how many the
   * answers held, of how many expected (an open question's points count up to its `need`). */
  found?: number;
  expected?: number;
}

export interface Latency {
  p50: number;
  p95: number;
}

/** A question answered wrong, with the expected strings its answer lacks (none for a question to refuse). */
export interface WrongAnswer {
  id: string;
  question: string;
  answer: string;
  kind?: string;
  missing?: string[];
}

export interface EvalResult {
  questions: number;
  answerable: number;
  hit: Record<number, number>;
  mrr10: number;
  retrievalMs: Latency;
  answer?: {
    accuracy: number;
    right: number;
    unanswerable: number;
    refusedRight: number;
    meanLength: number;
    askMs: Latency;
    /** Per `kind` of question, when the items have one. */
    byKind: Record<string, KindScore>;
    wrong: WrongAnswer[];
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Whether a text holds one of an expected string's alternatives, ignoring white space, width and traditional
 * versus simplified characters; a figure never matches as the tail of a longer number (500万元 is not in
 * 2500万元), as ../shared/CONTRACT.md scores it.
 */
function containsExpected(text: string, expect: string): boolean {
  const hay = compactForCompare(text);
  return expect.split("|").some((alt) => {
    const needle = compactForCompare(alt);
    if (!needle) return false;
    if (!/^\d/.test(needle)) return hay.includes(needle);
    for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
      if (!/[0-9.]/.test(hay[at - 1] ?? "")) return true;
    }
    return false;
  });
}

/** Whether an answer text satisfies the expected strings (for "points", at least `need` of them). */
export function answerMatches(answer: string, expect: string[], mode: EvalItem["mode"], need = 1): boolean {
  if (mode === "points") return expect.filter((e) => containsExpected(answer, e)).length >= need;
  if (expect.length === 0) return true;
  return mode === "all"
    ? expect.every((e) => containsExpected(answer, e))
    : expect.some((e) => containsExpected(answer, e));
}

export async function evaluate(app: App, items: EvalItem[], options: { withAnswers: boolean }): Promise<EvalResult> {
  const ks = [1, 3, 5, 10];
  const hits: Record<number, number> = { 1: 0, 3: 0, 5: 0, 10: 0 };
  let mrr = 0;
  let answerable = 0;
  const retrievalMs: number[] = [];
  const askMs: number[] = [];
  let right = 0;
  let unanswerable = 0;
  let refusedRight = 0;
  let lengthSum = 0;
  let answeredCount = 0;
  const wrong: WrongAnswer[] = [];
  const byKind: Record<string, KindScore> = {};

  for (const item of items) {
    const t0 = performance.now();
    const passages = await app.retriever.hybridSearch(item.question, { k: 10 });
    retrievalMs.push(performance.now() - t0);
    if (item.sources.length > 0) {
      answerable++;
      const rank = passages.findIndex(
        (p) => item.sources.includes(p.chunk.metadata.source) && item.expect.some((e) => containsExpected(p.text, e)),
      );
      if (rank >= 0) {
        for (const k of ks) if (rank < k) hits[k] = (hits[k] ?? 0) + 1;
        mrr += 1 / (rank + 1);
      }
    }
    if (!options.withAnswers) continue;
    const t1 = performance.now();
    const result = await answer(app, item.question);
    askMs.push(performance.now() - t1);
    let ok: boolean;
    if (item.sources.length === 0) {
      unanswerable++;
      ok = !result.answered;
      if (ok) refusedRight++;
    } else {
      ok =
        result.answered &&
        answerMatches(result.answer, item.expect, item.mode, item.need) &&
        result.citations.some((c) => item.sources.includes(c.source));
    }
    if (result.answered) {
      answeredCount++;
      lengthSum += result.answer.length;
    }
    // Each expected string the answer holds or misses (a refusal holds none).
    const held = item.expect.filter((e) => result.answered && containsExpected(result.answer, e));
    const missing = item.expect.filter((e) => !held.includes(e));
    if (ok) right++;
    else
      wrong.push({
        id: item.id,
        question: item.question,
        answer: result.answer,
        kind: item.kind,
        ...(item.sources.length > 0 && missing.length > 0 ? { missing } : {}),
      });
    if (item.kind) {
      const score = (byKind[item.kind] ??= { right: 0, total: 0 });
      score.total++;
      if (ok) score.right++;
      if (item.expect.length > 1 && item.sources.length > 0) {
        const expected = item.mode === "points" ? (item.need ?? 1) : item.expect.length;
        score.found = (score.found ?? 0) + Math.min(held.length, expected);
        score.expected = (score.expected ?? 0) + expected;
      }
    }
  }
  const n = Math.max(answerable, 1);
  return {
    questions: items.length,
    answerable,
    hit: Object.fromEntries(ks.map((k) => [k, (hits[k] ?? 0) / n])),
    mrr10: mrr / n,
    retrievalMs: { p50: percentile(retrievalMs, 50), p95: percentile(retrievalMs, 95) },
    answer: options.withAnswers
      ? {
          accuracy: right / Math.max(items.length, 1),
          right,
          unanswerable,
          refusedRight,
          meanLength: lengthSum / Math.max(answeredCount, 1),
          askMs: { p50: percentile(askMs, 50), p95: percentile(askMs, 95) },
          byKind,
          wrong,
        }
      : undefined,
  };
}

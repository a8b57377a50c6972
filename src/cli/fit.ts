// `npm run fit -- [--work DIR] [--folds 5] [--holdout 4] [--holdout-sentences 4] [--retrieval-only] [--write]`:
// fits the weights of the retrieval's final order and of the answerer (model.ts) on the development data and
// reports them cross-validated. The data: CMRC 2018 dev and DRCD dev, each with every `holdout`-th passage left
// out of the corpus and, half-way between those, every `holdout-sentences`-th passage without the sentences that
// hold its answers (both kinds of question must be refused: the passage gone, or the passage there and the
// fact gone, a near miss), and the seeds' dev questions. Folds are drawn by article, so no
// fold is scored on an article it was fitted on. With --news QA (../shared/qa/news-dev.jsonl, asked over seeds/
// and the news/articles/ folder beside the QA file's folder as one archive), its single-fact questions too, the
// answering sentences of every `holdout-sentences`-th report cut (folds by report). Off by default: fitted with
// news dev, the blind set lost two answers (docs/measurements.md, 2026-12-04).
// First the retrieval: how much a passage's best sentence (its similarity to the question, its share of the
// question's words) adds to its fused score, chosen on a grid for
// the most first passages that hold the answer. Then the answerer: prints, for each fold's held-out questions,
// the trade-off between right answers and refusals over thresholds, chooses the threshold by the rule below,
// and with --write stores the weights fitted on all the data in src/answer/weights.json (the reader's) and
// src/search/retrieval-weights.json (the retrieval's). The answerer's rows
// are read in the current retrieval order, so after the retrieval's weights change (--retrieval-only --write is
// quick) a full fit follows.
// Collecting the candidates' features is the slow part (all three sets indexed and every question analysed);
// `--save-rows F` keeps them in a JSON file and `--rows F` fits from it, for trying a model change in seconds
// (the rows are only valid for the code that made them).
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Selection } from "../answer/compose.js";
import { antecedentOf, quotedBeside, type PlacedScore } from "../answer/excerpt.js";
import { RETRIEVE } from "../answer/params.js";
import { analyzeCandidates } from "../answer/rank.js";
import { FEATURE_NAMES, type Features } from "../answer/features.js";
import {
  CONFIDENCE_NAMES,
  answerModel,
  confidenceInputs,
  confidencePairs,
  confidenceTerm,
  retrievalEvidence,
} from "../answer/model.js";
import { createApp, createEmbeddings, ingest } from "../app.js";
import {
  DEFAULT_RETRIEVAL,
  RETRIEVAL_WEIGHTS_FILE,
  retrievalWeights,
  type RetrievalWeights,
} from "../search/retriever.js";
import { loadConfig } from "../config.js";
import { DEFAULT_CHUNK_OPTIONS } from "../corpus/chunk.js";
import { prepareArchive, prepareCmrc, readQa } from "../eval/datasets.js";
import { answerMatches, type EvalItem } from "../eval/metrics.js";
import { fitConditionalLogit, fitLogistic, type Sample } from "../fit/logit.js";
import { numberFlag, parseArgs, runMain, stringFlag } from "./args.js";

/** The refused share of questions about held-out passages that the operating point must reach (issue 8). */
const REFUSAL_TARGET = 0.85;
/**
 * The cross-validated share must clear the target by this much: one standard error of a share near 0.85
 * measured on CMRC's 811 held-out questions (√(0.85 · 0.15 / 811) ≈ 0.0125). Without it the shipped weights,
 * fitted on all the data, landed at 0.846 with `eval --holdout 4` where cross-validation said 0.855.
 */
const REFUSAL_MARGIN = 0.01;

const USAGE =
  "usage: npm run fit -- [--work DIR] [--folds N] [--holdout K] [--limit N] [--rows F | --save-rows F] [--linear] " +
  "[--holdout-sentences K] [--news QA] [--retrieval-only] [--write]";
const WEIGHTS = new URL("../answer/weights.json", import.meta.url);

/** Writes the retrieval's fitted weights beside the retriever, which reads them as its defaults. */
async function writeRetrievalWeights(weights: RetrievalWeights): Promise<void> {
  const fitted = {
    by: "npm run fit",
    what: "weights of a passage's best sentence (similarity, coverage) in the final order of the first passages",
    date: new Date().toISOString().slice(0, 10),
  };
  const { sentenceSem, sentenceCoverage } = weights;
  await writeFile(RETRIEVAL_WEIGHTS_FILE, `${JSON.stringify({ sentenceSem, sentenceCoverage, fitted }, null, 2)}\n`);
  console.log("wrote src/search/retrieval-weights.json");
}

interface CandidateRow {
  x: number[];
  /** The sentence holds a gold answer (and comes from a right document). */
  gold: boolean;
  /** The trimmed span shown holds a gold answer. */
  spanGold: boolean;
  passageDense: number;
  /** Where the sentence stands (its passage, its place in it) and its span's length: for quotedBeside. */
  chunkId?: string;
  position?: number;
  spanChars?: number;
  /** The sentence before it is quoted with it (answer.ts: antecedentOf) and holds a gold answer. */
  prevGold?: boolean;
}

interface QuestionRow {
  set: string;
  group: string;
  answerable: boolean;
  /** Why an unanswerable question is: its passage left out ("held-out") or only its answer ("near-miss"). */
  heldOut?: string;
  /** model.ts: RetrievalEvidence of the question's retrieved passages (denseTop alone in rows saved before it). */
  denseTop: number;
  fusedGap?: number;
  candidates: CandidateRow[];
  /**
   * The first passages in the fused order, each as [fused score, best sentence's similarity, best sentence's
   * coverage, 1 when it holds a gold answer]: what the retrieval's final order is fitted on.
   */
  passages?: number[][];
  /** What the question asks for (question.ts's asked type): for studying the errors by kind, not fitted on. */
  asked?: string;
}

async function collect(
  set: string,
  docsDir: string,
  indexDir: string,
  items: EvalItem[],
  retrievalOnly = false,
): Promise<QuestionRow[]> {
  const config = loadConfig(process.env, { docsDir, indexDir });
  const embeddings = createEmbeddings(config);
  await embeddings.load();
  console.error(`[fit] ${set}: indexing …`);
  await ingest(config, embeddings, { chunkOptions: DEFAULT_CHUNK_OPTIONS });
  const app = await createApp(config, { embeddings });
  const rows: QuestionRow[] = [];
  console.error(`[fit] ${set}: ${items.length} questions …`);
  for (const item of items) {
    const fused = await app.retriever.hybridSearch(item.question, { k: RERANKED, sentenceSem: 0, sentenceCoverage: 0 });
    const passages = fused.map((p) => [
      p.score,
      p.sentenceSem,
      p.sentenceCoverage,
      item.sources.includes(p.chunk.metadata.source) && answerMatches(p.text, item.expect, item.mode) ? 1 : 0,
    ]);
    if (retrievalOnly) {
      rows.push({
        set,
        group: item.group ?? item.id,
        answerable: item.sources.length > 0,
        denseTop: 0,
        candidates: [],
        passages,
      });
      continue;
    }
    const retrieved = await app.retriever.hybridSearch(item.question, { k: RETRIEVE });
    const { parts, candidates } = await analyzeCandidates(app, item.question, retrieved, { trimAll: true });
    // One-part questions only: a multi-part question has no single right sentence.
    if (parts.length !== 1) continue;
    const ranked = parts[0]?.ranked ?? [];
    const fromSource = (source: string): boolean => item.sources.includes(source);
    const holdsGold = (pick: Selection | undefined): boolean =>
      pick !== undefined &&
      fromSource(pick.candidate.chunk.metadata.source) &&
      answerMatches(pick.span, item.expect, item.mode);
    rows.push({
      set,
      group: item.group ?? item.id,
      answerable: item.sources.length > 0,
      heldOut: item.sources.length > 0 ? undefined : item.kind,
      ...retrievalEvidence(retrieved),
      passages,
      asked: parts[0]?.part.asked,
      candidates: ranked.map((s) => ({
        x: FEATURE_NAMES.map((n) => s.features[n]),
        gold: fromSource(s.candidate.chunk.metadata.source) && answerMatches(s.candidate.text, item.expect, item.mode),
        spanGold: holdsGold(s),
        passageDense: s.candidate.passageDense,
        chunkId: s.candidate.chunk.metadata.chunkId,
        position: s.candidate.position,
        spanChars: s.span.length,
        prevGold: holdsGold(parts[0] ? antecedentOf(s, candidates, parts[0].part) : undefined),
      })),
    });
  }
  return rows;
}

/** The seeds' questions of the kinds one document answers (issue 11 covers the others). */
async function seedItems(file: string): Promise<EvalItem[]> {
  return (await readQa(file)).filter((q) => !["ambiguous", "compare", "aggregate"].includes(q.kind ?? ""));
}

/** Which fold a group falls in: a stable hash of its name. */
function foldOf(group: string, folds: number): number {
  let h = 2166136261;
  for (const ch of group) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % folds;
}

function dot(w: number[], x: number[]): number {
  return w.reduce((s, wi, i) => s + wi * (x[i] ?? 0), 0);
}

/** The refusal model's inputs for a question's best candidate under ranker weights w, as model.ts computes them. */
function confidenceRow(q: QuestionRow, w: number[], terms: string[]): { x: number[]; correct: boolean } | undefined {
  const scored = q.candidates.map((c) => ({ c, s: dot(w, c.x) })).sort((a, b) => b.s - a.s);
  const [top, second] = scored;
  if (!top) return undefined;
  const features = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, top.c.x[i] ?? 0])) as Features;
  const values = confidenceInputs({ score: top.s, features, passageDense: top.c.passageDense }, second?.s, {
    denseTop: q.denseTop,
    fusedGap: q.fusedGap ?? 0,
  });
  // Right as the answerer composes it (answer.ts): the best span, the runner-up quoted beside it, or the sentence
  // quoted before the excerpt's first one.
  const placed = (e: { c: CandidateRow; s: number }): PlacedScore => ({
    score: e.s,
    chunkId: e.c.chunkId ?? "",
    position: e.c.position ?? -9,
    spanChars: e.c.spanChars ?? Infinity,
  });
  const beside = second !== undefined && top.c.chunkId !== undefined && quotedBeside(placed(top), placed(second));
  const first = beside && (second.c.position ?? 0) < (top.c.position ?? 0) ? second : top;
  const correct = top.c.spanGold || (beside && second.c.spanGold) || first.c.prevGold === true;
  return { x: terms.map((t) => confidenceTerm(t, values)), correct: q.answerable && correct };
}

/** Passages the retrieval re-orders by their best sentence, and the weights tried for that (a grid). */
const RERANKED = DEFAULT_RETRIEVAL.rerank;
const SEM_GRID = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5];
const COVERAGE_GRID = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];

/** The weighted share of answerable questions whose first passage holds the answer, under weights w. */
function hitAt1(rows: QuestionRow[], w: RetrievalWeights, counts: Map<string, number>): number {
  let hit = 0;
  let total = 0;
  for (const q of rows) {
    if (!q.answerable || !q.passages?.length) continue;
    const weight = weightOf(q.set, counts);
    let best: number[] | undefined;
    let bestScore = -Infinity;
    for (const p of q.passages) {
      const s = (p[0] ?? 0) + w.sentenceSem * (p[1] ?? 0) + w.sentenceCoverage * (p[2] ?? 0);
      if (s > bestScore) [best, bestScore] = [p, s];
    }
    total += weight;
    if (best?.[3]) hit += weight;
  }
  return total > 0 ? hit / total : 0;
}

/** The grid point with the most first passages that hold the answer (ties: the smaller weights). */
function fitRetrieval(rows: QuestionRow[]): RetrievalWeights {
  const counts = new Map<string, number>();
  for (const q of rows) counts.set(q.set, (counts.get(q.set) ?? 0) + 1);
  let best = { w: { sentenceSem: 0, sentenceCoverage: 0 }, hit: -1 };
  for (const sentenceSem of SEM_GRID) {
    for (const sentenceCoverage of COVERAGE_GRID) {
      const hit = hitAt1(rows, { sentenceSem, sentenceCoverage }, counts);
      if (hit > best.hit + 1e-9) best = { w: { sentenceSem, sentenceCoverage }, hit };
    }
  }
  return best.w;
}

/** Sample weight: each set counts as much in the fit as it does in the targets (the seeds are few). */
function weightOf(set: string, counts: Map<string, number>): number {
  const max = Math.max(...counts.values());
  return Math.min(10, max / (counts.get(set) ?? max));
}

function fit(train: QuestionRow[], terms: string[]): { ranker: number[]; confidence: number[] } {
  const counts = new Map<string, number>();
  for (const q of train) counts.set(q.set, (counts.get(q.set) ?? 0) + 1);
  const groups = train
    .filter((q) => q.answerable && q.candidates.some((c) => c.gold))
    .map((q) => ({
      xs: q.candidates.map((c) => c.x),
      gold: q.candidates.map((c) => c.gold),
      weight: weightOf(q.set, counts),
    }));
  const ranker = fitConditionalLogit(groups, FEATURE_NAMES.length, { l2: 1e-3 });
  const samples: Sample[] = [];
  for (const q of train) {
    const row = confidenceRow(q, ranker, terms);
    if (row) samples.push({ x: row.x, y: row.correct ? 1 : 0, weight: weightOf(q.set, counts) });
  }
  const confidence = fitLogistic(samples, terms.length, { l2: 1e-3, interceptIndex: terms.indexOf("bias") });
  return { ranker, confidence };
}

interface Outcome {
  set: string;
  answerable: boolean;
  heldOut?: string;
  correct: boolean;
  p: number;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** At threshold t, per set: right answers on the answerable, refused of the left-out passages and of near misses. */
interface TradeOff {
  right: number;
  refused: number;
  nearMiss: number;
}

function tradeOff(outcomes: Outcome[], sets: string[], t: number): Record<string, TradeOff> {
  const out: Record<string, TradeOff> = {};
  const refusedShare = (os: Outcome[]): number => os.filter((o) => o.p < t).length / Math.max(os.length, 1);
  for (const set of sets) {
    const mine = outcomes.filter((o) => o.set === set);
    const kept = mine.filter((o) => o.answerable);
    const near = mine.filter((o) => !o.answerable && o.heldOut === "near-miss");
    out[set] = {
      right: kept.filter((o) => o.p >= t && o.correct).length / Math.max(kept.length, 1),
      refused: refusedShare(mine.filter((o) => !o.answerable && o.heldOut !== "near-miss")),
      nearMiss: near.length ? refusedShare(near) : NaN,
    };
  }
  return out;
}

function showTradeOff(r: TradeOff): string {
  const near = Number.isNaN(r.nearMiss) ? "" : ` / ${r.nearMiss.toFixed(3)}`;
  return `${r.right.toFixed(3)} / ${r.refused.toFixed(3)}${near}`;
}

runMain(async () => {
  const args = parseArgs(
    process.argv.slice(2),
    ["write", "pairs", "linear", "retrieval-only"],
    ["work", "folds", "holdout", "holdout-sentences", "limit", "rows", "save-rows", "news"],
  );
  const retrievalOnly = args.flags.has("retrieval-only");
  const work = resolve(stringFlag(args, "work") ?? "/tmp/duikou-fit");
  const folds = numberFlag(args, "folds") ?? 5;
  const holdout = numberFlag(args, "holdout") ?? 4;
  // 0: no sentence hold-out (the fit of the earlier sessions).
  const holdoutSentences = numberFlag(args, "holdout-sentences") ?? 4;
  const limit = numberFlag(args, "limit");
  const rowsFile = stringFlag(args, "rows");
  // The news reports are evaluation data outside the repository (../shared/news/articles/ beside ../shared/qa/).
  const newsQa = stringFlag(args, "news");
  const rows: QuestionRow[] = rowsFile ? (JSON.parse(await readFile(rowsFile, "utf8")) as QuestionRow[]) : [];
  if (!rowsFile) {
    for (const [set, file] of [
      ["cmrc", "data/cmrc2018_dev.json"],
      ["drcd", "data/drcd_dev.json"],
    ] as const) {
      const { kept, heldOut } = await prepareCmrc(file, join(work, set, "docs"), {
        holdout,
        holdoutSentences: holdoutSentences || undefined,
        passages: limit,
      });
      const items = [...kept, ...heldOut];
      rows.push(...(await collect(set, join(work, set, "docs"), join(work, set, "index"), items, retrievalOnly)));
    }
    rows.push(
      ...(await collect(
        "seeds",
        resolve("seeds"),
        join(work, "seeds", "index"),
        await seedItems("qa/seeds-dev.jsonl"),
        retrievalOnly,
      )),
    );
    if (newsQa) {
      const docs = join(work, "news", "docs");
      const articles = resolve(newsQa, "../../news/articles");
      const items = await prepareArchive([resolve("seeds"), articles], resolve(newsQa), docs, {
        holdoutSentences: holdoutSentences || undefined,
      });
      rows.push(...(await collect("news", docs, join(work, "news", "index"), items, retrievalOnly)));
    }
  }
  const saveRows = stringFlag(args, "save-rows");
  if (saveRows) await writeFile(saveRows, JSON.stringify(rows));
  const sets = ["cmrc", "drcd", "seeds", ...(rows.some((q) => q.set === "news") ? ["news"] : [])];
  // The refusal model sees the products of every two features too (a quadratic logistic model): measured against
  // the features alone, cross-validated CMRC 0.826 → 0.828, DRCD 0.793 → 0.804 at the operating point
  // (docs/measurements.md). --linear fits
  // the features alone (--pairs, the former switch for products, is still accepted).
  const terms: string[] = [...CONFIDENCE_NAMES, ...(args.flags.has("linear") ? [] : confidencePairs())];

  // The retrieval's final order: weights chosen on the other folds, first passages scored on this one.
  const perSet = (rs: QuestionRow[], w: RetrievalWeights): string =>
    sets
      .map(
        (set) =>
          `${set} ${hitAt1(
            rs.filter((q) => q.set === set),
            w,
            new Map([[set, 1]]),
          ).toFixed(3)}`,
      )
      .join("  ");
  const cvHits = new Map<string, { hit: number; n: number }>();
  for (let k = 0; k < folds; k++) {
    const test = rows.filter((q) => foldOf(`${q.set}:${q.group}`, folds) === k);
    const w = fitRetrieval(rows.filter((q) => foldOf(`${q.set}:${q.group}`, folds) !== k));
    for (const set of sets) {
      const mine = test.filter((q) => q.set === set && q.answerable && q.passages?.length);
      const entry = cvHits.get(set) ?? { hit: 0, n: 0 };
      entry.hit += hitAt1(mine, w, new Map([[set, 1]])) * mine.length;
      entry.n += mine.length;
      cvHits.set(set, entry);
    }
  }
  // Rows saved before the retrieval was fitted have no passages: the current weights stay then.
  const withPassages = rows.some((q) => q.passages?.length);
  const retrieval = withPassages ? fitRetrieval(rows) : retrievalWeights();
  if (!withPassages)
    console.log(`these rows have no passages: the retrieval's weights stay ${JSON.stringify(retrieval)}`);
  else {
    console.log(
      `first passage holds the answer (hit@1 of the ${RERANKED} first): fused order ` +
        `${perSet(rows, { sentenceSem: 0, sentenceCoverage: 0 })}`,
    );
    console.log(
      `  re-ordered by the best sentence, cross-validated: ` +
        sets
          .map((set) => `${set} ${((cvHits.get(set)?.hit ?? 0) / Math.max(cvHits.get(set)?.n ?? 1, 1)).toFixed(3)}`)
          .join("  "),
    );
    console.log(`  weights fitted on all: ${JSON.stringify(retrieval)}`);
  }
  if (retrievalOnly) {
    // The reader's weights stay; only the retrieval's are written (the reader is fitted on passages in that order,
    // so a full fit follows when they change).
    if (args.flags.has("write")) {
      await writeRetrievalWeights(retrieval);
    }
    return;
  }

  const outcomes: Outcome[] = [];
  for (let k = 0; k < folds; k++) {
    const train = rows.filter((q) => foldOf(`${q.set}:${q.group}`, folds) !== k);
    const test = rows.filter((q) => foldOf(`${q.set}:${q.group}`, folds) === k);
    const model = fit(train, terms);
    for (const q of test) {
      const row = confidenceRow(q, model.ranker, terms);
      outcomes.push({
        set: q.set,
        answerable: q.answerable,
        heldOut: q.heldOut,
        correct: row?.correct ?? false,
        p: row ? sigmoid(dot(model.confidence, row.x)) : 0,
      });
    }
    console.error(`[fit] fold ${k + 1}/${folds} done`);
  }

  // The operating point: the lowest threshold at which the refused share of held-out questions reaches REFUSAL_TARGET
  // (plus the margin) on both CMRC and DRCD (a confident wrong answer is the worst failure of a factual bot), so that
  // as many right answers as possible are kept; if none reaches it, the threshold that maximises right answers plus
  // refusals averaged over the three sets.
  console.log(
    `cross-validated (${folds} folds by article): right answers on answerable / refused of left-out passages` +
      ` / refused of near misses`,
  );
  console.log(`threshold  ${sets.map((s) => `${s.padEnd(26)}`).join("")}`);
  let best = { t: 0.5, value: -1 };
  let constrained: number | undefined;
  // Thresholds in steps of 0.001, so that the operating point sits at the target rather than up to a step of
  // 0.01 past it (about ten CMRC answers); the table shows every 0.05.
  for (let i = 50; i <= 950; i++) {
    const t = i / 1000;
    const r = tradeOff(outcomes, sets, t);
    const value = sets.reduce((s, set) => s + (r[set]?.right ?? 0) + (r[set]?.refused ?? 0), 0) / sets.length;
    if (value > best.value) best = { t, value };
    const floor = REFUSAL_TARGET + REFUSAL_MARGIN;
    const reached = (r.cmrc?.refused ?? 0) >= floor && (r.drcd?.refused ?? 0) >= floor;
    if (constrained === undefined && reached) constrained = t;
    if (i % 50 === 0 || constrained === t)
      console.log(t.toFixed(3).padEnd(11) + sets.map((s) => (r[s] ? showTradeOff(r[s]) : "").padEnd(26)).join(""));
  }
  if (constrained !== undefined) best = { t: constrained, value: 0 };
  const chosen = tradeOff(outcomes, sets, best.t);
  console.log(
    `chosen threshold ${best.t.toFixed(3)}: ` +
      sets.map((s) => `${s} ${chosen[s] ? showTradeOff(chosen[s]) : ""}`).join("; "),
  );

  const final = fit(rows, terms);
  const ranker = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, Number((final.ranker[i] ?? 0).toFixed(5))]));
  const confidence = Object.fromEntries(terms.map((n, i) => [n, Number((final.confidence[i] ?? 0).toFixed(5))]));
  console.log(`ranker ${JSON.stringify(ranker)}`);
  console.log(`confidence ${JSON.stringify(confidence)}`);
  if (args.flags.has("write")) {
    const fitted = {
      by: "npm run fit",
      data:
        `CMRC 2018 dev, DRCD dev (every ${holdout}th passage held out` +
        (holdoutSentences ? `, the answering sentences of every ${holdoutSentences}th half-way between` : "") +
        `), seeds dev (single-document kinds)` +
        (sets.includes("news")
          ? `, news dev (single-fact kinds, the answering sentences of every ${holdoutSentences}th report cut)`
          : ""),
      folds,
      holdout,
      holdoutSentences,
      questions: rows.length,
      crossValidated: chosen,
      date: new Date().toISOString().slice(0, 10),
      rule:
        `lowest threshold at which the cross-validated refused share of held-out questions is >= ` +
        `${REFUSAL_TARGET} + ${REFUSAL_MARGIN} (one standard error) on both CMRC and DRCD`,
      previous: answerModel().fitted?.by ?? "hand-set",
    };
    const model = { ranker, confidence, threshold: Number(best.t.toFixed(3)), fitted };
    await writeFile(WEIGHTS, `${JSON.stringify(model, null, 2)}\n`);
    console.log("wrote src/answer/weights.json");
    await writeRetrievalWeights(retrieval);
  }
}, USAGE);

// Steps 3 and 4 of the answerer: the candidates that pass the gates (gates.ts) are measured (features.ts) and
// ranked by the fitted model (model.ts), and the refusal model says how likely the best one answers. A part
// asked of a shape no candidate is confident in (a place with 县/市…, a figure with the asked unit) is ranked
// again without that shape, and the more confident ranking kept.
import type { ScoredPassage } from "../search/retriever.js";
import { normalizeForMatch } from "../text/normalize.js";
import { mentionsTerm } from "../text/synonyms.js";
import { candidatesFrom, type Candidate } from "./candidates.js";
import { trimToClauses, type Selection } from "./compose.js";
import type { AnswerContext } from "./context.js";
import { bestRow, overlap } from "./rows.js";
import { countedClause } from "./excerpt.js";
import { candidateFeatures, partContext, type Features } from "./features.js";
import { clauseFits, failedGate } from "./gates.js";
import {
  answerModel,
  confidence,
  confidenceInputs,
  rankScore,
  retrievalEvidence,
  type ConfidenceFeatures,
} from "./model.js";
import { AMBIGUITY_RATIO, FACT_ANSWER_CHARS, MAX_ANSWER_CHARS, TRIMMED_CANDIDATES } from "./params.js";
import { analyzeQuestion, type AnalyzedQuestion, type QuestionPart } from "./question.js";
import { attributeWords, itemWords } from "./agreement.js";
import { questionWords } from "./lexicon.js";

const PER_UNIT = questionWords("per-unit");

/** A ranked candidate with its features (what the fitting script learns from). */
export interface Scored extends Selection {
  features: Features;
}

/** Everything the answerer decided for one part: its candidates, best first, and the confidence in the best. */
export interface PartAnalysis {
  part: QuestionPart;
  ranked: Scored[];
  confidence: number;
  confidenceFeatures: ConfidenceFeatures | undefined;
}

/** How rankForPart ranks. */
export interface RankOptions {
  /** Apply every gate (for an answer); false keeps only the `always` gates (for a refusal's closest lead). */
  gated?: boolean;
  /** How many of the best candidates are trimmed to the clauses that answer (default TRIMMED_CANDIDATES). */
  trimTop?: number;
  /** Told of each candidate a gate dropped, with the gate's name (scripts/diagnose.ts, DEBUG_GATES=1). */
  onDrop?: (candidate: Candidate, gate: string) => void;
}

/** With DEBUG_GATES set, every drop is written to stderr with the gate that made it. */
const debugDrop = process.env.DEBUG_GATES
  ? (c: Candidate, gate: string): void => console.error(`gate ${gate} dropped: ${c.text.slice(0, 60)}`)
  : undefined;

/** Candidates that may answer the part (entity agreement, type gate), scored by the fitted ranker, best first. */
export function rankForPart(
  app: AnswerContext,
  q: AnalyzedQuestion,
  part: QuestionPart,
  candidates: Candidate[],
  options: RankOptions = {},
): Scored[] {
  const { gated = true, trimTop = TRIMMED_CANDIDATES, onDrop = debugDrop } = options;
  const ctx = partContext(app, q, part, candidates);
  const fits = clauseFits(part, q);
  const item = itemWords(part, q);
  const literal = attributeWords(item, part);
  const model = answerModel();
  const ranked: Scored[] = [];
  for (const c of candidates) {
    const failed = failedGate({ c, q, part, fits, item, literal }, gated);
    if (failed) {
      onDrop?.(c, failed);
      continue;
    }
    const features = candidateFeatures(ctx, q, c);
    ranked.push({ candidate: c, span: c.text, score: rankScore(features, model), coverage: features.cov, features });
  }
  ranked.sort((a, b) => b.score - a.score);
  // A figure, date or place is stated in a clause or two; a description may need the whole sentence.
  const fact = part.kind === "amount" || part.kind === "date";
  const max = fact ? FACT_ANSWER_CHARS : MAX_ANSWER_CHARS;
  const perUnit = part.kind === "amount" && PER_UNIT.test(part.text);
  for (const pick of ranked.slice(0, trimTop)) {
    const context = part.kind === "place" ? "" : normalizeForMatch(pick.candidate.chunk.metadata.title);
    pick.span = trimToClauses(
      pick.candidate.text,
      ctx.partWeights,
      gated ? pickFits(perUnit, pick.candidate, fits) : () => true,
      max,
      !fact,
      context,
    );
    if (gated && part.kind === "amount") pick.span = countedClause(app, pick, part) ?? pick.span;
  }
  return ranked;
}

/**
 * The clause filter for trimming one candidate: the part's own (clauseFits), and for an amount asked per unit
 * (每个县的平均援助) whose sentence states one per unit (县均…), the clause that does: the total beside it
 * (累计援助…亿元) answers another question.
 */
function pickFits(
  asksPerUnit: boolean,
  c: Candidate,
  fits: (norm: string, date?: string) => boolean,
): (norm: string) => boolean {
  const date = c.chunk.metadata.date;
  const perUnit = asksPerUnit && PER_UNIT.test(c.norm);
  return (norm) => fits(norm, date) && (!perUnit || PER_UNIT.test(norm));
}

/**
 * The counted thing must agree (多少名教育人才 is not answered by 医疗人才90人): when the best candidate does not
 * name the question's counted thing (nor a synonym of it) and one of the next two, close in score,
 * has a figure that counts exactly that, that one goes first. The confidence stays the one computed for the
 * ranking as fitted (whether the passages answer at all); the agreement decides which sentence answers.
 */
function preferCounted(app: AnswerContext, part: QuestionPart, ranked: Scored[]): void {
  const [top] = ranked;
  if (!top || !part.counted || part.kind !== "amount") return;
  const counts = (pick: Selection): number => {
    const found = bestRow(app, pick, part, part.counted);
    return found?.row ? overlap(part.counted, found.row.attribute) : 0;
  };
  // A best sentence that names the counted thing (四场赛事, 两场赛事 in words) agrees already.
  if (mentionsTerm(top.candidate.norm, part.counted) || counts(top) >= 1) return;
  const floor = Math.min(top.score, 0);
  const better = ranked
    .slice(1, 3)
    .findIndex((c) => c.score - floor >= (top.score - floor) * AMBIGUITY_RATIO && counts(c) >= 1);
  if (better < 0) return;
  const [chosen] = ranked.splice(better + 1, 1);
  if (chosen) ranked.unshift(chosen);
  if (process.env.DEBUG_COUNTED) console.error("counted", part.counted, "→", chosen?.candidate.text.slice(0, 40));
}

/** What the refusal model sees: the best candidate's features, its margin over the next, retrieval's best. */
export function confidenceFeatures(ranked: Scored[], passages: ScoredPassage[]): ConfidenceFeatures | undefined {
  const [top, second] = ranked;
  if (!top) return undefined;
  return confidenceInputs(
    { score: top.score, features: top.features, passageDense: top.candidate.passageDense },
    second?.score,
    retrievalEvidence(passages),
  );
}

/**
 * Steps 1 to 4 for every part of a question: its analysis, the ranked candidates and the confidence in the best.
 * When no candidate with the asked shape (a place with 县/市…, a figure with the asked unit) is likely enough to
 * answer, it looks again for a place named otherwise or a figure with no unit at all (150万, 人口達2,790,060) and
 * keeps the more confident of the two.
 */
export async function analyzeCandidates(
  app: AnswerContext,
  question: string,
  retrieved: ScoredPassage[],
  options: { trimAll?: boolean; analyzed?: AnalyzedQuestion } = {},
): Promise<{ q: AnalyzedQuestion; candidates: Candidate[]; parts: PartAnalysis[] }> {
  const trimmed = options.trimAll ? Infinity : TRIMMED_CANDIDATES;
  const q = options.analyzed ?? analyzeQuestion(question);
  const candidates = candidatesFrom(app, retrieved, await app.embeddings.embedQuestion(question));
  const model = answerModel();
  const parts = q.parts.map((part): PartAnalysis => {
    const ranked = rankForPart(app, q, part, candidates, { trimTop: trimmed });
    const cf = confidenceFeatures(ranked, retrieved);
    preferCounted(app, part, ranked);
    const strict: PartAnalysis = { part, ranked, confidence: cf ? confidence(cf, model) : 0, confidenceFeatures: cf };
    // A place asked at a level (哪个县, 哪个乡) keeps its type: without a place of that level there is no answer,
    // never "a thing" instead (an ablation showed the relaxed look did nothing for those on dev or blind).
    const relaxable =
      (part.kind === "place" && part.level === "") ||
      (part.kind === "amount" && part.units.length > 0 && !part.units.includes(""));
    // Not confident with the asked shape (none has it, or the ones that have it are not the answer: 多少人 asked,
    // 5,583,064名 found, 人口達2,790,060 meant): look again for a place named otherwise or a bare figure, and
    // keep whichever the confidence model trusts more.
    if (!relaxable || strict.confidence >= model.threshold) return strict;
    const relaxed =
      part.kind === "place"
        ? { ...part, kind: "thing" as const, asked: "thing" as const }
        : { ...part, units: [...part.units, ""] };
    const again = rankForPart(app, q, relaxed, candidates, { trimTop: trimmed });
    const cfAgain = confidenceFeatures(again, retrieved);
    preferCounted(app, part, again);
    const second: PartAnalysis = {
      part,
      ranked: again,
      confidence: cfAgain ? confidence(cfAgain, model) : 0,
      confidenceFeatures: cfAgain,
    };
    return second.confidence > strict.confidence ? second : strict;
  });
  shareConfidence(parts);
  return { q, candidates, parts };
}

/**
 * Parts of one question asked of one sentence (民生类项目有多少个？总投资多少？占比多少？): a part whose best
 * sentence is the one a more confident part was answered from takes that part's confidence. The later parts are
 * short and lack the question's context words, so the refusal model alone sees little evidence in them; the
 * sentence's relevance was shown by the part asked with the whole context, and each part's own type gate still
 * holds (its span is of the type it asks).
 */
function shareConfidence(parts: PartAnalysis[]): void {
  for (const a of parts) {
    for (const b of parts) {
      const same = a.ranked[0] && a.ranked[0].candidate === b.ranked[0]?.candidate;
      if (same && b.confidence > a.confidence) a.confidence = b.confidence;
    }
  }
}

// Step 5a of the answerer: what is quoted around the best sentence. The runner-up when it stands right beside it
// and the ranker can hardly tell them apart; the sentence before when the answer opens by referring back to it
// (他, 该线路); the clause that names the year an answer's 同年 / 次年 counts from; and, in a sentence of several
// figures, the clause of the figure that counts what was asked. compose.ts then trims and cites.
import { normalizeForMatch } from "../text/normalize.js";
import type { Candidate } from "./candidates.js";
import { trimToClauses, type Selection } from "./compose.js";
import type { AnswerContext } from "./context.js";
import { bestRow } from "./rows.js";
import type { FigureRow } from "../facts/table.js";
import { ANTECEDENT_CHARS, COUNTED_MARGIN, COUNTED_MIN_FIT, FACT_ANSWER_CHARS, NEIGHBOUR_MARGIN } from "./params.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";
import { ANAPHOR } from "./lexicon.js";
import { figureFits, lastYearAt, RELATIVE_YEAR } from "./spans.js";

/** What decides whether a runner-up is quoted beside the best sentence (shared with the fit, src/cli/fit.ts). */
export interface PlacedScore {
  score: number;
  chunkId: string;
  position: number;
  spanChars: number;
}

/**
 * Whether the runner-up stands right before or after the best sentence in the same passage and the ranker can
 * hardly tell them apart: the sentence that repeats the question's words and the one beside it that answers
 * (…收購了該報 | 該集團還同時擁有《太陽報》; 因此… after the reason). Quoting both, in the passage's order, shows
 * the answer either way; a runner-up longer than a fact span is not worth the reading.
 */
export function quotedBeside(best: PlacedScore, next: PlacedScore): boolean {
  return (
    best.score - next.score < NEIGHBOUR_MARGIN &&
    next.chunkId === best.chunkId &&
    Math.abs(next.position - best.position) === 1 &&
    next.spanChars <= FACT_ANSWER_CHARS
  );
}

const placed = (s: Selection): PlacedScore => ({
  score: s.score,
  chunkId: s.candidate.chunk.metadata.chunkId,
  position: s.candidate.position,
  spanChars: s.span.length,
});

/** A question that asks which one or who (哪一支龙舟队, 何人, 谁): the answer may be what an anaphor refers to. */
const ENTITY_ASKED = /谁|何人|哪/;

/** An optional classifier between 哪 / 这 and the noun (哪一张专辑, 这所学校, 该线路). */
const CLASSIFIER = "[个张部座位条家所本首项种间支名件场次届]?";

/**
 * Whether a (normalised) sentence points with 这 / 该 / 此 at the thing the (normalised) question asks for with 哪:
 * 五月天的哪一张专辑得到了…奖 and 五月天也以这张专辑获得…奖 share the noun (专辑); the sentence is the question's own with its answer referred to,
 * so what it refers to stands before it.
 */
export function pointsAtAsked(norm: string, question: string): boolean {
  const asked = new RegExp(`哪一?${CLASSIFIER}(\\p{Script=Han}{2})`, "u").exec(question)?.[1];
  return asked !== undefined && new RegExp(`[这该此]一?${CLASSIFIER}${asked}`).test(norm);
}

/** The candidate right before a candidate in its passage, if it was read. */
function sentenceBefore(candidate: Candidate, candidates: Candidate[]): Candidate | undefined {
  return candidates.find(
    (c) => c.chunk.metadata.chunkId === candidate.chunk.metadata.chunkId && c.position === candidate.position - 1,
  );
}

/**
 * The sentence before the answer's first sentence, quoted with it when that sentence opens by referring back and
 * the question asks which one or who: 何人呼籲…立法禁止狩獵 → 他呼籲…立法禁止狩獵 is answered by the sentence before
 * it, which names 他 (牛頓). The answer's span must start where its sentence starts, or the anaphor is not its
 * opening.
 */
export function antecedentOf(first: Selection, candidates: Candidate[], part: QuestionPart): Selection | undefined {
  if (!ENTITY_ASKED.test(part.text)) return undefined;
  const { candidate } = first;
  const opens = candidate.text.startsWith(first.span.slice(0, 4)) && ANAPHOR.test(candidate.norm);
  if (!opens && !pointsAtAsked(candidate.norm, part.text)) return undefined;
  const source = candidate.chunk.metadata.source;
  const before =
    sentenceBefore(candidate, candidates) ??
    candidates.find(
      (c) => c.chunk.metadata.source === source && c.norm === candidate.prevNorm && candidate.prevNorm !== "",
    );
  if (!before || before.text.length > ANTECEDENT_CHARS) return undefined;
  return { candidate: before, span: before.text, score: first.score, coverage: 0 };
}

/** The start of the clause (after the last ，；,; before it) that holds the character at `at`. */
function clauseStart(text: string, at: number): number {
  const cut = Math.max(...["，", "；", ",", ";", "。"].map((p) => text.lastIndexOf(p, at - 1)));
  return cut + 1;
}

/**
 * A date question's answer whose year is named only by one stated before it (同年, 次年): the clause that states
 * that year is quoted with it. From the same sentence (…1955年成立…，同年亨利·德劳内逝世), widening the span; or
 * from the sentence before, returned as a pick to quote before the answer (…2003年… | 同年…林振强也遗憾辞世).
 * The span is widened back to the relative word when trimming cut it off (同年，托尔金到瑞士度过暑假).
 */
export function yearOfRelative<P extends Selection>(
  first: P,
  candidates: Candidate[],
  part: QuestionPart,
  q: AnalyzedQuestion,
): { first: P; before?: Selection } {
  if (part.asked !== "date") return { first };
  const { candidate } = first;
  const offset = candidate.text.indexOf(first.span);
  const end = offset + first.span.length;
  const relative = RELATIVE_YEAR.exec(candidate.norm);
  if (offset < 0 || !relative || relative.index >= end) return { first };
  // A span whose first clause names its own year answers as it stands.
  const opening = normalizeForMatch(first.span).split(/[，；,;。]/)[0] ?? "";
  if (relative.index < offset && lastYearAt(opening, q) >= 0) return { first };
  const own = lastYearAt(candidate.norm.slice(0, relative.index), q);
  const from = (at: number): P => ({
    ...first,
    span: candidate.text.slice(Math.min(offset, clauseStart(candidate.text, at)), end),
  });
  if (own >= 0) return { first: from(own) };
  const previous = sentenceBefore(candidate, candidates);
  const at = previous ? lastYearAt(previous.norm, q) : -1;
  if (!previous || at < 0) return { first };
  const span = previous.text.slice(clauseStart(previous.text, at)).slice(0, ANTECEDENT_CHARS);
  return { first: from(relative.index), before: { candidate: previous, span, score: first.score, coverage: 0 } };
}

/** The runner-up to quote beside the best sentence, if any (quotedBeside). */
export function besideRunnerUp<S extends Selection>(ranked: S[]): S | undefined {
  const [best, next] = ranked;
  return best && next && quotedBeside(placed(best), placed(next)) ? next : undefined;
}

/**
 * A sentence listing several figures of the asked unit (医疗人才90人 … 90名教育人才) answers with the one whose
 * clause names the counted thing (多少名教育人才), by the table of figures; undefined keeps the span as trimmed.
 */
export function countedClause(app: AnswerContext, pick: Selection, part: QuestionPart): string | undefined {
  // The counted thing's head (工作站 in 多少个招引投资的工作站) decides over the words that qualify it.
  const words = part.counted || part.focus.join("");
  if (!words || pick.candidate.figures.filter((f) => figureFits(f, part)).length < 2) return undefined;
  const found = bestRow(app, pick, part, words);
  if (!found?.row || found.fit < COUNTED_MIN_FIT) return undefined;
  const inSpan = normalizeForMatch(pick.span);
  if (inSpan.includes(found.figure.text)) return undefined;
  const shown = pick.candidate.figures.filter((f) => figureFits(f, part) && inSpan.includes(f.text));
  const shownFit = Math.max(
    0,
    ...shown.map(
      (f) => bestRow(app, { ...pick, candidate: { ...pick.candidate, figures: [f] } }, part, words)?.fit ?? 0,
    ),
  );
  if (found.fit < shownFit + COUNTED_MARGIN) return undefined;
  return clauseAround(pick, found.row);
}

/** The span of a pick trimmed to the clauses around one of its figures. */
export function clauseAround(pick: Selection, row: FigureRow): string {
  const text = pick.candidate.text;
  const at = normalizeForMatch(text).indexOf(normalizeForMatch(row.text));
  if (at < 0) return pick.span;
  if (pick.span.includes(row.text)) return pick.span;
  return trimToClauses(text, new Map(), (norm) => norm.includes(normalizeForMatch(row.text)), FACT_ANSWER_CHARS, false);
}

// Step 5b of the answerer: several documents, several answers. When nothing in the question picks one document
// (第十批援藏 is both 山东's and 广东's), other documents' answers to the same attribute, close in score, are
// found by the table of figures (src/facts/table.ts) and shown one line each, led by whose figure it is.
import { documentContext } from "../corpus/chunk.js";
import type { FigureRow } from "../facts/table.js";
import { mentions } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";
import { tagWords } from "../text/tokenize.js";
import type { Selection } from "./compose.js";
import type { AnswerContext } from "./context.js";
import { bestRow, overlap } from "./rows.js";
import { clauseAround } from "./excerpt.js";
import {
  ALTERNATIVES_SCANNED,
  AMBIGUITY_RATIO,
  ANCHORED_AMBIGUITY_RATIO,
  PARTLY_SAME_ATTRIBUTE,
  SAME_ATTRIBUTE,
} from "./params.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";

/**
 * Other documents' answers to the same part when nothing in the question picks one document (第十批援藏 is both
 * 山东's and 广东's; 山东援藏 is 山东's report and 淄博's): close in score, from another document whose context
 * agrees with every entity of the question, stating a different figure for the same attribute (the table of
 * figures tells what each figure counts). Two figures about different attributes are not alternatives.
 */
export function alternativesFor(
  app: AnswerContext,
  best: Selection,
  ranked: Selection[],
  q: AnalyzedQuestion,
  part: QuestionPart,
): Selection[] {
  if (part.kind !== "amount" && part.kind !== "date") return [];
  const words = part.focus.join("") || part.text;
  const bestRow = rowFor(app, best, part, words);
  if (!bestRow) return [];
  const anchors = q.entities.filter((e) => e.kind === "batch" || e.kind === "year");
  const out: Selection[] = [];
  const sources = new Set([best.candidate.chunk.metadata.source]);
  const floor = Math.min(best.score, 0);
  const years = q.entities.filter((e) => e.kind === "year").map((e) => Number(e.text.slice(0, 4)));
  // Each other document's best sentence: the same attribute, a time that fits the question's year, then score.
  const bySource = new Map<string, { pick: Selection; row: FigureRow; fit: number }>();
  for (const other of ranked.slice(1, ALTERNATIVES_SCANNED)) {
    const source = other.candidate.chunk.metadata.source;
    if (sources.has(source)) continue;
    // A document that itself names the question's batch or year (第十批) is the same question asked of it even
    // when the sentence words the rest differently (干部人才 for 工作队).
    const context = normalizeForMatch(`${documentContext(other.candidate.chunk)}\n${other.candidate.norm}`);
    const anchored = anchors.length > 0 && anchors.every((e) => mentions(context, e));
    const ratio = anchored ? ANCHORED_AMBIGUITY_RATIO : AMBIGUITY_RATIO;
    const row = rowFor(app, other, part, words);
    if (!row || row.text === bestRow.text) continue;
    // A document about the question's batch or year whose figure counts what the question counts (实施了多少个援藏
    // 项目 → 谋划确定对口支援项目47个) answers it in its own words, however few of the question's words it shares.
    const counts =
      anchored &&
      part.counted !== "" &&
      sameHead(part.counted, row.attribute) &&
      sameHead(part.counted, bestRow.attribute);
    if (!counts && other.score - floor < (best.score - floor) * ratio) continue;
    // What each figure counts, compared both ways and with the question's counted thing (the clause's verb,
    // 选派 or 投入, is shared by figures of every kind and says nothing).
    const same = Math.max(
      Math.min(overlap(bestRow.attribute, row.attribute), overlap(row.attribute, bestRow.attribute)),
      overlap(words, row.attribute),
      sameHead(bestRow.attribute, row.attribute) ? SAME_ATTRIBUTE : 0,
    );
    const time = timeFits(row.time, years);
    if (time < 0) continue;
    // A partly shared attribute (援建资金 for 援藏资金) counts when the figure's time is the question's year.
    if (part.kind === "amount" && same < (time > 0 ? PARTLY_SAME_ATTRIBUTE : SAME_ATTRIBUTE)) continue;
    const fit = same + time;
    const held = bySource.get(source);
    if (!held || fit > held.fit) bySource.set(source, { pick: other, row, fit });
  }
  for (const { pick, row } of bySource.values()) {
    pick.span = clauseAround(pick, row);
    out.push(pick);
  }
  return out;
}

/**
 * The head noun of an attribute: its last word of two or more characters, and of a longer compound its last two
 * characters, Chinese compounds being head-final (援藏资金 → 资金, 先心病患儿 → 患儿, 援藏项目 → 项目).
 */
function headNoun(attribute: string): string {
  const last =
    tagWords(attribute)
      .filter((w) => /^\p{Script=Han}{2,}$/u.test(w.word))
      .at(-1)?.word ?? "";
  return last.length >= 4 ? last.slice(-2) : last;
}

/** Two attributes count the same thing when their head nouns agree (安排援建资金 and 投入援藏资金). */
function sameHead(a: string, b: string): boolean {
  const head = headNoun(a);
  return head.length >= 2 && head === headNoun(b);
}

/** 1 when a figure's time covers one of the question's years (2022至2024年 covers 2022), -1 when it names
 * other years only, 0 when either says no year. */
function timeFits(time: string, years: number[]): number {
  if (years.length === 0) return 0;
  const named = [...time.matchAll(/(\d{4})/g)].map((m) => Number(m[1]));
  if (named.length === 0) return 0;
  const lo = Math.min(...named);
  const hi = Math.max(...named);
  return years.some((y) => y >= lo && y <= hi) ? 1 : -1;
}

/** The table row of the figure of a pick that best fits the part's counted thing. */
function rowFor(app: AnswerContext, pick: Selection, part: QuestionPart, words: string): FigureRow | undefined {
  const found = bestRow(app, pick, part, words);
  return found?.row;
}

/** Newest report first (by its date, as precise as it says); undated reports keep their order, after dated ones. */
function newestFirst(picks: Selection[]): Selection[] {
  const date = (p: Selection): string => p.candidate.chunk.metadata.date ?? "";
  return picks
    .map((pick, i) => ({ pick, i }))
    .sort((a, b) => (date(a.pick) === date(b.pick) ? a.i - b.i : date(b.pick).localeCompare(date(a.pick))))
    .map(({ pick }) => pick);
}

/**
 * Each source's answer on a line of its own, newest report first (its citation shows the date and origin), led
 * by whose figure it is when the span does not say.
 */
export function perSource(app: AnswerContext, picks: Selection[], part: QuestionPart): Selection[] {
  const words = part.focus.join("") || part.text;
  return newestFirst(picks).map((pick) => {
    const subject = rowFor(app, pick, part, words)?.subject ?? "";
    const span = pick.span.replace(/[。！？!?；;，,：:、]+$/, "");
    const named = subject === "" || normalizeForMatch(span).includes(normalizeForMatch(subject).slice(0, 2));
    return { ...pick, span: named ? span : `${subject}：${span}` };
  });
}

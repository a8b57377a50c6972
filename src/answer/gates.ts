// The gates of the answerer: checks a candidate sentence must pass before the fitted ranker scores it, because
// no weight may override them (a figure about 广东 does not answer a question about 淄博; a 多少 question needs
// a figure). Each gate has a name (shown by the debug output when it drops a candidate), one line on why, and a
// test of its own (test/gates.test.ts). `always` gates hold even for the closest lead of a refusal; the others
// hold when ranking for an answer (`gated`).
import { documentContext, type Chunk } from "../corpus/chunk.js";
import { batchesIn, batchNumber, mentions, numberValue, type Entity } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";
import { datedYears } from "../text/relative-years.js";
import type { Candidate } from "./candidates.js";
import { continuesClause } from "./compose.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";
import { countedAgrees, itemAgrees, onlyInListTotal, roleAgrees } from "./agreement.js";
import {
  amountFigures,
  chineseAmountFits,
  countsCounted,
  figureFits,
  frequencyFits,
  hasAnswerSpan,
  hasTime,
  newPlaces,
  ordinalFits,
  typeGate,
  relativeYearFits,
  yearFromBefore,
} from "./spans.js";

/** Entities that must be supported by the passage an answer comes from. */
export const REQUIRED_ENTITY: ReadonlySet<Entity["kind"]> = new Set(["batch", "place", "org", "year", "quoted"]);

/** Whether a candidate's passage agrees with the question's required entities (淄博 is not 广东). */
export function agreesWithEntities(c: Candidate, q: AnalyzedQuestion): boolean {
  return q.entities.every((e) => !REQUIRED_ENTITY.has(e.kind) || passageMentions(c.chunk, c.passage, e));
}

/**
 * Whether a passage or its document's title and lead name an entity; a year also when the report is of that
 * year or its 去年 / 今年 names it (relative-years.ts): a report of the year asked speaks of it as 今年 or not at all.
 */
export function passageMentions(chunk: Chunk, passage: string, e: Entity): boolean {
  if (mentions(normalizeForMatch(`${documentContext(chunk)}\n${passage}`), e)) return true;
  return e.kind === "year" && datedYears(passage, chunk.metadata.date).some((y) => e.variants.includes(y));
}

/**
 * A sentence that names batches, none of them the one asked, is about another batch: 「第六批…组长是谁」 is not
 * answered by 「第五批援青干部联络组组长赵勇」 in a report about the sixth. A sentence that names no batch is
 * judged by its passage (the entities gate).
 */
export function agreesOnBatch(c: Candidate, q: AnalyzedQuestion): boolean {
  const asked = q.entities.flatMap((e) => (e.kind === "batch" ? [batchNumber(e.text)] : []));
  if (asked.length === 0) return true;
  const named = batchesIn(c.norm);
  return named.length === 0 || named.some((n) => asked.includes(n));
}

/** A span of years a figure is totalled over (20年累计, 三十年来, 十年间, 16年以来), not a year (2017年来). */
const YEARS_SPAN = /(?<!\d)(\d{1,2}|[一二三四五六七八九十两]{1,3})多?年(?:来|间|以来|里|累计)/gu;

/** The lengths of the spans of years a text totals over (援藏30年来 → 30). */
export function yearSpans(text: string): number[] {
  return [...text.matchAll(YEARS_SPAN)].flatMap((m) => {
    const n = numberValue(m[1] ?? "");
    return n ? [n] : [];
  });
}

/** Years a batch serves at most (援藏, 援疆 and 援青 batches serve three years, some one and a half). */
const BATCH_YEARS = 3;

/**
 * A figure asked over a span longer than a batch serves (深圳援藏20年累计, 30年来一共), of no batch, is not a figure
 * of one batch: a sentence that names a batch (第十批援藏工作队…约10亿元) and not the span answers another question.
 */
export function agreesOnSpan(c: Candidate, q: AnalyzedQuestion, part: QuestionPart): boolean {
  if (part.kind !== "amount" || q.entities.some((e) => e.kind === "batch")) return true;
  const asked = yearSpans(part.text).filter((n) => n > BATCH_YEARS);
  if (asked.length === 0 || batchesIn(c.norm).length === 0) return true;
  return yearSpans(c.norm).some((n) => asked.includes(n));
}

/** A place below the city (昂仁县, 卡嘎镇, 布玛村): where a figure was spent or counted. */
const LOCAL_PLACE = /(?:县|区|镇|乡|村)$/;

/**
 * A figure about a place below the city must say so in its own sentence: 「广东…在朗县投入了多少援藏资金」 is not
 * answered by a sentence about the whole city's 205万元 that happens to share a passage with 朗县. Places the
 * document is about (its title and lead name them) are exempt: their sentences rarely repeat them.
 */
export function agreesLocally(c: Candidate, q: AnalyzedQuestion, part: QuestionPart): boolean {
  if (part.kind !== "amount" && part.kind !== "date") return true;
  // The sentence before counts too: Chinese drops a subject the sentence before has named (在日土县…竞拍现场… |
  // 本次活动共拍卖羊绒40.18吨).
  const context = `${normalizeForMatch(`${documentContext(c.chunk)}\n${c.chunk.metadata.heading}`)}\n${c.prevNorm}`;
  const local = (e: Entity): boolean =>
    (e.kind === "place" || e.kind === "term") && e.text.length >= 2 && LOCAL_PLACE.test(e.text);
  // A place the question names a lower one in (隆子县 of 隆子县玉麦乡) is said by naming the lower one.
  const lower = (e: Entity): string | undefined =>
    new RegExp(`${e.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\p{Script=Han}{1,3}?(?:镇|乡|村))`, "u").exec(
      q.normalized,
    )?.[1];
  return q.entities.every((e) => {
    if (!local(e) || mentions(context, e) || mentions(c.norm, e)) return true;
    const below = lower(e);
    return below !== undefined && (c.norm.includes(below) || context.includes(below));
  });
}

/** The clause filter used when trimming: a clause must keep a figure, date or place of the asked kind. */
export function clauseFits(part: QuestionPart, q: AnalyzedQuestion): (norm: string, date?: string) => boolean {
  return (norm, date) => {
    if (
      part.kind === "amount" &&
      (chineseAmountFits(norm, part) || ordinalFits(norm, part, q) || frequencyFits(norm, part))
    )
      return true;
    if (part.kind === "date") return hasTime(norm, q) || relativeYearFits(norm, date, part);
    if (part.kind === "amount")
      return amountFigures(norm).some((f) => figureFits(f, part) || countsCounted(norm, f, part));
    if (part.kind === "place") return newPlaces(norm, q).length > 0;
    return true;
  };
}

/** What a gate looks at: the candidate, the question and its part, and what the part asks worked out once. */
export interface GateInput {
  c: Candidate;
  q: AnalyzedQuestion;
  part: QuestionPart;
  /** The part's clause filter (clauseFits). */
  fits: (norm: string, date?: string) => boolean;
  /** The words of the item the part asks about, and those of them that name its attribute as written (spans.ts). */
  item: readonly string[];
  literal: ReadonlySet<string>;
}

/** One gate: a candidate that fails it is not ranked. */
export interface Gate {
  name: string;
  why: string;
  /** Holds for the closest lead of a refusal too, not only for an answer. */
  always: boolean;
  passes(input: GateInput): boolean;
}

/**
 * The item may be named in the title or heading (not the lead, which names much of what the document is about),
 * or in the sentence before when this one has no subject of its own (派出采样队员…: Chinese drops a subject the
 * sentence before has named) or goes on after a semicolon (…门诊收入增长106.43%； | 出院人次增长46.05%…).
 */
function aroundItem(c: Candidate): string {
  const named = normalizeForMatch(`${c.chunk.metadata.title}\n${c.chunk.metadata.heading}`);
  const before = continuesClause(c.text) || /[；;]$/.test(c.prevNorm) ? c.prevNorm : "";
  return `${named}\n${before}`;
}

/** The gates, in the order they are tried (the first that fails names the drop). */
export const GATES: readonly Gate[] = [
  {
    name: "entities",
    why: "the question's batch, place, organisation, year and quoted names must be in the passage or its document",
    always: true,
    passes: ({ c, q }) => agreesWithEntities(c, q),
  },
  {
    name: "other-batch",
    why: "a sentence that names only other batches (第五批) does not answer a question about the sixth",
    always: false,
    passes: ({ c, q }) => agreesOnBatch(c, q),
  },
  {
    name: "batch-span",
    why: "a figure totalled over 20 or 30 years is not answered by a sentence about one batch",
    always: false,
    passes: ({ c, q, part }) => agreesOnSpan(c, q, part),
  },
  {
    name: "local-place",
    why: "a figure or date for a county, town or village must name it in its sentence unless the document is about it",
    always: false,
    passes: ({ c, q, part }) => agreesLocally(c, q, part),
  },
  {
    name: "title-only",
    why: "a sentence that only repeats the title (a heading line) or has under six characters answers nothing",
    always: true,
    passes: ({ c }) =>
      !(c.norm === normalizeForMatch(c.chunk.metadata.title) || c.norm.replace(/[\p{P}\s]/gu, "").length < 6),
  },
  {
    name: "answer-span",
    why: "a figure, date or place question needs a span of that type the question does not itself contain",
    always: false,
    passes: ({ c, q, part }) =>
      !typeGate(part) ||
      hasAnswerSpan(c.norm, part, q) ||
      yearFromBefore(c.norm, c.prevNorm, part, q) ||
      relativeYearFits(c.text, c.chunk.metadata.date, part),
  },
  {
    name: "clause-fits",
    // 哪里 without a level: a place is often written without an administrative suffix (南美洲, 晋阳, 香港), so the
    // clause filter only guides the trimming there; 哪个县 keeps it as a gate.
    why: "some clause must hold a figure with the asked unit, a date, or a place of the asked level",
    always: false,
    passes: ({ c, part, fits }) => (part.kind === "place" && part.level === "") || fits(c.norm, c.chunk.metadata.date),
  },
  {
    name: "list-total",
    why: "an item named only in a list whose figure is the whole list's does not say what the item itself counts",
    always: false,
    passes: ({ c, part }) => !onlyInListTotal(c.norm, part),
  },
  {
    name: "item",
    why: "the item asked about must be named in the sentence, its title or heading, or the sentence it continues",
    always: false,
    passes: ({ c, item, literal }) => itemAgrees(c.norm, () => aroundItem(c), item, literal),
  },
  {
    name: "role",
    why: "a question about a role (队长, 书记) needs a sentence that names that role",
    always: false,
    passes: ({ c, part }) => roleAgrees(c.norm, part),
  },
  {
    name: "counted",
    why: "the thing counted must agree: 多少名教育人才 is not answered by 医疗人才90人",
    always: false,
    passes: ({ c, part }) => countedAgrees(`${c.norm}\n${normalizeForMatch(c.chunk.metadata.title)}`, part),
  },
];

/** The name of the first gate the candidate fails, or undefined when it passes them all. */
export function failedGate(input: GateInput, gated: boolean): string | undefined {
  for (const gate of GATES) {
    if ((gate.always || gated) && !gate.passes(input)) return gate.name;
  }
  return undefined;
}

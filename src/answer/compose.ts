// Step 5 of the answerer: composition. The chosen sentence is trimmed to the clauses that answer the part (a
// figure, date or place in a clause or two; a description whole up to 130 characters), parts answered by one
// sentence become one span, and each span gets its citation.
import { normalizeForMatch } from "../text/normalize.js";
import { tagWords } from "../text/tokenize.js";
import { withRelativeYears } from "../text/relative-years.js";
import type { Candidate } from "./candidates.js";
import { coverage } from "../text/coverage.js";
import { MAX_ANSWER_CHARS } from "./params.js";
import type { Citation } from "./types.js";

/** A candidate chosen for a part, with the span of it that is shown. */
export interface Selection {
  candidate: Candidate;
  span: string;
  score: number;
  coverage: number;
}

/**
 * A sentence's clauses, each with the comma, semicolon or colon that closes it. A comma or colon inside a
 * figure (6,054,191名, 2,052平方公里, 10:30) closes nothing: cutting there left 6 or 052平方公里, which no quote
 * holds, and the answer was refused as unverifiable. Nor does one inside short brackets (钩鼻海蛇（学名："…"）);
 * a long bracket is text of its own.
 */
export function clausesOf(text: string): string[] {
  return (
    text.match(
      /(?:（[^（）]{0,40}）|\([^()]{0,40}\)|\d,(?=\d{3}(?!\d))|\d[:：](?=\d{2}(?!\d))|[^，,；;：:])+[，,；;：:]?/g,
    ) ?? [text]
  );
}

/** Trims a long sentence to the run of clauses that best covers the question, keeping a fitting figure. */
export function trimToClauses(
  text: string,
  weights: Map<string, number>,
  mustHave: (clause: string) => boolean,
  max = MAX_ANSWER_CHARS,
  extend = true,
  context = "",
): string {
  const clauses = clausesOf(text);
  if (text.length <= max) {
    if (extend) return text;
    // A short fact sentence loses only its lead-in (据了解，按照计划，…): clauses that share nothing with the
    // question and hold no fitting figure.
    let from = 0;
    while (from < clauses.length - 1) {
      const norm = normalizeForMatch(clauses[from] ?? "");
      if (
        coverage(norm, weights) > 0 ||
        mustHave(norm) ||
        !mustHave(normalizeForMatch(clauses.slice(from + 1).join("")))
      )
        break;
      from++;
    }
    return clauses.slice(from).join("");
  }
  let best = { from: 0, to: 0, score: -1 };
  for (let i = 0; i < clauses.length; i++) {
    let len = 0;
    for (let j = i; j < clauses.length; j++) {
      len += clauses[j]?.length ?? 0;
      if (len > max && j > i) break;
      const span = clauses.slice(i, j + 1).join("");
      const norm = normalizeForMatch(span);
      if (!mustHave(norm)) continue;
      // Words of the context (the document's title) count as present: the clause with the asked attribute wins.
      const score = coverage(`${norm}\n${context}`, weights) - 0.002 * span.length;
      if (score > best.score) best = { from: i, to: j, score };
    }
  }
  if (best.score < 0) return text;
  const length = (a: number, b: number): number => clauses.slice(a, b + 1).join("").length;
  // A clause that opens with a verb, an adverb or a preposition shares the subject of the one before it
  // (德国…，成为第21个承认同性婚姻的国家; 彰化县…，也是台北市以外第一个导入YouBike的城市): the run starts there too.
  let from = best.from;
  while (from > 0 && continuesClause(clauses[from] ?? "") && length(from - 1, best.to) <= max) from--;
  // The answer usually follows the words the question shares with the sentence: keep the next clause too.
  let to = best.to;
  while (extend && to + 1 < clauses.length && length(from, to + 1) <= max && to - best.to < 1) to++;
  // A run that ends on a colon (著名政界人物包括：, 这些州分别是：) only leads in to what follows: the next clause
  // is taken too, a long list in it cut after the items that fit.
  const led = to;
  while (to + 1 < clauses.length && /[：:]$/.test(clauses[to] ?? "")) to++;
  const span = clauses.slice(from, to + 1).join("");
  if (to > led && span.length > max) return cutList(clauses.slice(from, to).join(""), clauses[to] ?? "", max);
  return span.replace(/[，,；;：:、]$/, "");
}

/**
 * Whether a clause opens with a verb, adverb or preposition (jieba's tags), after any time words (目前是…): it
 * has no subject of its own.
 */
export function continuesClause(clause: string): boolean {
  const first = tagWords(normalizeForMatch(clause.slice(0, 10))).find((w) => w.tag !== "t" && w.word.trim() !== "");
  return !!first && /^(?:v|d|p)/.test(first.tag) && first.tag !== "vn";
}

/**
 * A lead-in with as much of the list after it as fits in `max` characters, marked cut with …: whole items
 * (between 、) where the list has them, else up to a character that ends no figure (a cut 1861年1 would be a
 * figure no quote holds).
 */
function cutList(head: string, list: string, max: number): string {
  let kept = "";
  for (const item of list.split(/(?<=、)/)) {
    if (head.length + kept.length + item.length > max) break;
    kept += item;
  }
  if (!kept) kept = list.slice(0, Math.max(0, max - head.length - 1)).replace(/[\d.,年月日号]+$/, "");
  return `${head}${kept.replace(/[、，,]$/, "")}…`;
}

/**
 * Sentences of one passage that stand side by side (the best sentence, the runner-up beside it, the sentence an
 * anaphor refers to), in the passage's order, quoted as one excerpt under one citation: one entry in 出处 and
 * one 原文 button rather than the same title twice. Sentences of different passages stay apart.
 */
export function joinExcerpt(picks: Selection[]): Selection[] {
  const [first] = picks;
  if (
    !first ||
    picks.length === 1 ||
    picks.some((p) => p.candidate.chunk.metadata.chunkId !== first.candidate.chunk.metadata.chunkId)
  )
    return picks;
  const texts = picks.map((p) => p.candidate.text);
  // Sentences keep their own closing mark; one without (a heading line) is kept apart by a line break.
  const text = texts.map((t, i) => (i < texts.length - 1 && !/[。！？!?…”」』"]$/.test(t) ? `${t}\n` : t)).join("");
  const span = picks.map((p) => p.span.replace(/[。！？!?；;，,：:、]+$/, "")).join("。");
  return [{ ...first, candidate: { ...first.candidate, text, norm: normalizeForMatch(text) }, span }];
}

/** Parts answered by one sentence become one span of it, from the first part's clause to the last one's. */
export function mergeSameSentence(picks: Selection[]): Selection[] {
  const out: Selection[] = [];
  for (const pick of picks) {
    const same = out.find((p) => p.candidate === pick.candidate);
    if (!same) {
      out.push({ ...pick });
      continue;
    }
    const text = pick.candidate.text;
    const a = text.indexOf(same.span);
    const b = text.indexOf(pick.span);
    if (a < 0 || b < 0) continue;
    same.span = text.slice(Math.min(a, b), Math.max(a + same.span.length, b + pick.span.length));
  }
  return out;
}

/** A chunk's date and origin as a citation carries them: only the ones its document states. */
export function provenance(metadata: { date?: string; origin?: string }): { date?: string; origin?: string } {
  return {
    ...(metadata.date ? { date: metadata.date } : {}),
    ...(metadata.origin ? { origin: metadata.origin } : {}),
  };
}

/** The citation of a pick, added to `citations` unless the same sentence is cited already. */
export function citeFor(pick: Selection, citations: Citation[]): Citation {
  const { chunk, text } = pick.candidate;
  let cit = citations.find((c) => c.chunkId === chunk.metadata.chunkId && c.quote === text);
  if (!cit) {
    cit = {
      n: citations.length + 1,
      source: chunk.metadata.source,
      title: chunk.metadata.title,
      ...provenance(chunk.metadata),
      quote: text,
      chunkId: chunk.metadata.chunkId,
    };
    citations.push(cit);
  }
  return cit;
}

/** The cited spans of the picks, in order: `span。[n]` each, and the citations they name. */
export function composePieces(picks: Selection[]): { pieces: string[]; citations: Citation[] } {
  const citations: Citation[] = [];
  const pieces: string[] = [];
  for (const pick of mergeSameSentence(picks)) {
    const cit = citeFor(pick, citations);
    const span = withRelativeYears(pick.span.replace(/[。！？!?；;，,：:、]+$/, ""), cit.date);
    if (!pieces.some((p) => p.includes(span))) pieces.push(`${span}。[${cit.n}]`);
  }
  return { pieces, citations };
}

// Step 7 of the answerer, for open questions (做了哪些项目？ 介绍一下…的情况 交出了什么成绩单？): the answer as a
// cited list of the points of one report. The report is the one the single best answer comes from (so an open
// question no report is about is refused as any question is); its points are that answer's sentence and the
// report's sentences most on the question's topic, distinct from each other, in the report's order, each cited
// with its sentence as the quote.
import { chunksOf, documentCandidates, type Candidate } from "./candidates.js";
import { storyOf, storyStarts } from "../corpus/stories.js";
import { citeFor } from "./compose.js";
import type { AnswerContext } from "./context.js";
import { asksOpen } from "./asked.js";
import { questionWords } from "./lexicon.js";
import {
  OPEN_FIGURE_BONUS,
  OPEN_FIGURES_COUNTED,
  OPEN_MAX_POINTS,
  OPEN_OVERLAP,
  OPEN_POINT_CHARS,
  OPEN_SEM_WEIGHT,
  OPEN_SHARE,
} from "./params.js";
import { normalizeForMatch } from "../text/normalize.js";
import { synonymsOf } from "../text/synonyms.js";
import type { AnalyzedQuestion } from "./question.js";
import type { AnswerResult, Citation } from "./types.js";
import { verifyFigures } from "./verify.js";

const OPEN_FILLER = questionWords("open-filler");

/** Whether the question asks for a list or an overview and nothing narrower (one part, a `thing`). */
export function isOpenQuestion(q: AnalyzedQuestion): boolean {
  const [only, ...rest] = q.parts;
  return !!only && rest.length === 0 && only.kind === "thing" && asksOpen(only.text);
}

function bigrams(text: string): Set<string> {
  const out = new Set<string>();
  const han = text.replace(/[^\p{Script=Han}\d]/gu, "");
  for (let i = 0; i + 1 < han.length; i++) out.add(han.slice(i, i + 2));
  return out;
}

/** The share of the smaller text's character pairs the other holds: 1 when one point repeats the other. */
function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / Math.min(a.size, b.size);
}

/** A point as shown: the sentence, or its clauses up to OPEN_POINT_CHARS when it is longer. */
function pointText(sentence: string): string {
  if (sentence.length <= OPEN_POINT_CHARS) return sentence;
  const cut = sentence.slice(0, OPEN_POINT_CHARS);
  const end = Math.max(cut.lastIndexOf("，"), cut.lastIndexOf("；"), cut.lastIndexOf(","), cut.lastIndexOf(";"));
  return end > OPEN_POINT_CHARS / 3 ? `${cut.slice(0, end)}…` : `${cut}…`;
}

/** Where a sentence stands in its document, for the report's order (its chunk's start, then its place in it). */
function documentOrder(app: AnswerContext, c: Candidate): number {
  for (const chunk of chunksOf(app, c.chunk.metadata.source)) {
    const at = chunk.pageContent.indexOf(c.text);
    if (at >= 0) return chunk.metadata.start + at;
  }
  return c.chunk.metadata.start + c.position;
}

/**
 * How much a sentence of the report is a point of the answer. The report was chosen for the question's subject
 * (淄博市第九批援藏工作组, 昂仁县), which nearly every sentence of it names; what tells points apart is the topic,
 * the question's words that are not its subject's names (项目; 荣誉 and its synonyms), each weighted by how
 * rare it is in the report. Then the sentence's similarity to the question, and its figures: a point says what
 * and how much.
 */
function pointScores(q: AnalyzedQuestion, pool: Candidate[]): Map<Candidate, number> {
  // The topic is said by its words of two characters or more (医疗, 就业), not by 做, 搞, 帮 or 方面.
  const asked = [...new Set(q.parts[0]?.terms ?? [])];
  const worded = asked.filter(
    (t) => !OPEN_FILLER.test(t) && (t.length >= 2 || synonymsOf(t).some((x) => x.length >= 2)),
  );
  const terms = worded.length > 0 ? worded : asked;
  // What the question is about (淄博市第九批援藏工作组, 昂仁县) is its entities; the topic is the rest.
  const title = normalizeForMatch(pool[0]?.chunk.metadata.title ?? "");
  const own = terms.filter(
    (t) => (t.length < 2 || !title.includes(t)) && !q.entities.some((e) => e.variants.some((v) => v.includes(t))),
  );
  const withSynonyms = (words: string[]): string[] => [
    ...new Set(words.flatMap((t) => [t, ...synonymsOf(t).filter((s) => s.length > 1)])),
  ];
  // A topic the report holds in fewer than two sentences cannot tell several points from the rest: then all the
  // question's words, each weighted by its rarity in the report, say what the points are about.
  const held = (words: string[]): number => pool.filter((c) => words.some((t) => c.norm.includes(t))).length;
  const topic = held(withSynonyms(own)) >= 2 ? withSynonyms(own) : withSynonyms(terms);
  const weight = new Map(
    topic.map((t) => {
      const df = pool.filter((c) => c.norm.includes(t)).length;
      return [t, df === 0 ? 0 : Math.log(1 + pool.length / df)] as const;
    }),
  );
  const total = Math.max(...weight.values(), 0) || 1;
  return new Map(
    pool.map((c) => {
      const onTopic = Math.min(
        1,
        topic.reduce((s, t) => s + (c.norm.includes(t) ? (weight.get(t) ?? 0) : 0), 0) / total,
      );
      const figures = Math.min(c.figures.length, OPEN_FIGURES_COUNTED) * OPEN_FIGURE_BONUS;
      return [c, onTopic + OPEN_SEM_WEIGHT * c.sem + figures] as const;
    }),
  );
}

/**
 * The answer of an open question as a list of points, or undefined (the single answer stands) when its report
 * has fewer than two distinct points about it.
 */
export function listPoints(
  app: AnswerContext,
  q: AnalyzedQuestion,
  candidates: Candidate[],
  answered: AnswerResult,
  questionVector: number[],
  max = OPEN_MAX_POINTS,
): AnswerResult | undefined {
  const source = answered.citations[0]?.source;
  if (!source) return undefined;
  // The whole report, not only the passages read: a topic (就业, 医疗) is often a section the retrieval did not rank.
  const quote = answered.citations[0]?.quote ?? "";
  const anchor = candidates.find((c) => c.chunk.metadata.source === source && c.text === quote)?.chunk;
  const whole = documentCandidates(app, source, questionVector, candidates, anchor).filter((c) => c.text.length >= 8);
  // A compilation of several stories: the points come from the story the answer stands in.
  const starts = storyStarts(chunksOf(app, source));
  const answerStory = whole.find((c) => c.text === quote);
  const storyAt = (c: Candidate): number => storyOf(starts, documentOrder(app, c), c.text.length);
  const pool = answerStory && starts.length ? whole.filter((c) => storyAt(c) === storyAt(answerStory)) : whole;
  const scores = pointScores(q, pool);
  const ranked = [...pool].sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0));
  const best = ranked[0] ? (scores.get(ranked[0]) ?? 0) : 0;
  // The single answer's sentence stays a point: the list adds to the best answer, it never drops it.
  const answer = pool.find((c) => c.text === quote);
  const chosen: { candidate: Candidate; pairs: Set<string> }[] = answer
    ? [{ candidate: answer, pairs: bigrams(answer.text) }]
    : [];
  for (const candidate of ranked) {
    if (chosen.length >= max || (scores.get(candidate) ?? 0) < best * OPEN_SHARE) break;
    const pairs = bigrams(candidate.text);
    if (candidate === answer || chosen.some((c) => overlap(c.pairs, pairs) > OPEN_OVERLAP)) continue;
    chosen.push({ candidate, pairs });
  }
  const listed = chosen.map((c) => c.candidate);
  if (listed.length < 2) return undefined;
  const ordered = listed
    .map((candidate) => ({ candidate, at: documentOrder(app, candidate) }))
    .sort((a, b) => a.at - b.at);
  const citations: Citation[] = [];
  // The answer's point shows what the single answer showed of its sentence (the clauses that answer), not its head.
  const answerSpan = answered.answer.split(/\[\d+\]/)[0]?.trim() ?? "";
  const points = ordered.map(({ candidate }) => {
    const cite = citeFor({ candidate, span: candidate.text, score: 0, coverage: 0 }, citations);
    const shown = candidate === answer && answerSpan ? answerSpan : pointText(candidate.text);
    // A point ends as its sentence does (。！？), or with 。 where a clause end was cut.
    return `${shown.replace(/[；;，,、]$/, "").replace(/([^。！？!?…])$/, "$1。")}[${cite.n}]`;
  });
  // Checked before the bullets go on (a bullet is no figure to find in a quote).
  if (!verifyFigures(points.join("\n"), citations).ok) return undefined;
  return { ...answered, answer: points.map((p) => `• ${p}`).join("\n"), citations };
}

/** Whether an answer is an open question's list that may have more points than it shows (the 更多 button). */
export function mayHaveMorePoints(result: AnswerResult): boolean {
  return (
    result.answered &&
    result.mode === "extractive" &&
    result.citations.length >= OPEN_MAX_POINTS &&
    result.answer.split("\n").every((line) => line.startsWith("• "))
  );
}

/**
 * The points of a longer list that `shown` did not show: the same answer asked for OPEN_MORE_POINTS points, less
 * the points already cited, renumbered from [1]. Undefined when there are none.
 */
export function pointsNotShown(longer: AnswerResult, shown: AnswerResult): AnswerResult | undefined {
  if (!longer.answered) return undefined;
  const seen = new Set(shown.citations.map((c) => `${c.source}:${c.quote}`));
  const byN = new Map(longer.citations.map((c) => [c.n, c]));
  const citations: Citation[] = [];
  const lines: string[] = [];
  for (const line of longer.answer.split("\n")) {
    const cited = byN.get(Number(/\[(\d+)\]$/.exec(line)?.[1]));
    if (!cited || seen.has(`${cited.source}:${cited.quote}`)) continue;
    const n = citations.length + 1;
    citations.push({ ...cited, n });
    lines.push(line.replace(/\[\d+\]$/, `[${n}]`));
  }
  if (lines.length === 0) return undefined;
  return { ...longer, answer: lines.join("\n"), citations };
}

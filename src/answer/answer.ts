// The extractive answerer: no language model. Its steps, each in its own module:
//   1. question.ts    what is asked (type, unit, level, focus), entities, parts
//   2. candidates.ts  the sentences of the retrieved passages, with their meaning's similarity to the question
//   3. features.ts    words, meaning, retrieval, type and agreement measured for each candidate
//   4. model.ts       fitted weights rank the candidates and say how likely the best one answers
//   5. compose.ts     the best candidate trimmed to the clauses that answer, cited
//   6. verify.ts      every figure of the answer stands in its citation's quote
// Gates that no weight can override: the question's batch, place, organisation and year must be supported by the
// passage; a figure, date or place question needs a span of that type that the question does not contain.
// When the best candidate is not likely enough to answer, the answerer refuses and shows the closest lead.
import { documentContext } from "../corpus/chunk.js";
import type { App } from "../app.js";
import type { ScoredPassage } from "../search/retriever.js";
import { mentions, type Entity } from "../text/entities.js";
import { extractFigures } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { mentionsTerm } from "../text/synonyms.js";
import { tagWords } from "../text/tokenize.js";
import { candidatesFrom, READ_PASSAGES, type Candidate } from "./candidates.js";
import { analyzeCross, answerCross, bestRow, overlap } from "./cross.js";
import type { FigureRow } from "../facts/table.js";
import {
  FACT_ANSWER_CHARS,
  MAX_ANSWER_CHARS,
  composePieces,
  continuesClause,
  joinExcerpt,
  trimToClauses,
  type Pick,
} from "./compose.js";
import { candidateFeatures, partContext, type Features } from "./features.js";
import {
  answerModel,
  confidence,
  confidenceInputs,
  rankScore,
  retrievalEvidence,
  type ConfidenceFeatures,
} from "./model.js";
import { analyzeQuestion, type AnalyzedQuestion, type QuestionPart } from "./question.js";
import {
  asksPersonName,
  attributeWords,
  chineseAmountFits,
  countedAgrees,
  figureFits,
  hasAnswerSpan,
  hasTime,
  itemAgrees,
  itemWords,
  namesSomething,
  newPlaces,
  onlyInListTotal,
  ordinalFits,
  lastYearAt,
  RELATIVE_YEAR,
  roleAgrees,
  typeGate,
  yearFromBefore,
} from "./spans.js";
import type { AnswerResult, PassageOut } from "./types.js";
import { verifyFigures } from "./verify.js";
import { EXAMPLES } from "./help.js";

/** Passages retrieved; passages returned in the answer JSON. */
export const RETRIEVE = 20;
const SHOW_PASSAGES = 10;
/** An answer from another document this close in score is shown beside the best one. */
const AMBIGUITY_RATIO = 0.8;
const ANCHORED_AMBIGUITY_RATIO = 0.5;

/** Entities that must be supported by the passage an answer comes from. */
const REQUIRED_ENTITY: ReadonlySet<Entity["kind"]> = new Set(["batch", "place", "org", "year", "quoted"]);

/** A ranked candidate with its features (what the fitting script learns from). */
export interface Scored extends Pick {
  features: Features;
}

/** Everything the answerer decided for one part: its candidates, best first, and the confidence in the best. */
export interface PartAnalysis {
  part: QuestionPart;
  ranked: Scored[];
  confidence: number;
  confidenceFeatures: ConfidenceFeatures | undefined;
}

/** Whether a candidate's passage agrees with the question's required entities (淄博 is not 广东). */
function agreesWithEntities(c: Candidate, q: AnalyzedQuestion): boolean {
  const passage = normalizeForMatch(`${documentContext(c.chunk)}\n${c.passage}`);
  return q.entities.every((e) => !REQUIRED_ENTITY.has(e.kind) || mentions(passage, e));
}

/** A place below the city (昂仁县, 卡嘎镇, 布玛村): where a figure was spent or counted. */
const LOCAL_PLACE = /(?:县|区|镇|乡|村)$/;

/**
 * A figure about a place below the city must say so in its own sentence: 「广东…在朗县投入了多少援藏资金」 is not
 * answered by a sentence about the whole city's 205万元 that happens to share a passage with 朗县. Places the
 * document is about (its title and lead name them) are exempt: their sentences rarely repeat them.
 */
function agreesLocally(c: Candidate, q: AnalyzedQuestion, part: QuestionPart): boolean {
  if (part.kind !== "amount" && part.kind !== "date") return true;
  const context = normalizeForMatch(documentContext(c.chunk));
  const local = (e: Entity): boolean =>
    (e.kind === "place" || e.kind === "term") && e.text.length >= 2 && LOCAL_PLACE.test(e.text);
  return q.entities.every((e) => !local(e) || mentions(context, e) || mentions(c.norm, e));
}

/** The clause filter used when trimming: a clause must keep a figure, date or place of the asked kind. */
function clauseFits(part: QuestionPart, q: AnalyzedQuestion): (norm: string) => boolean {
  return (norm) => {
    if (part.kind === "amount" && (chineseAmountFits(norm, part) || ordinalFits(norm, part, q))) return true;
    if (part.kind === "date") return hasTime(norm, q);
    if (part.kind === "amount") return extractFigures(norm).some((f) => figureFits(f, part));
    if (part.kind === "place") return newPlaces(norm, q).length > 0;
    return true;
  };
}

/** Candidates that may answer the part (entity agreement, type gate), scored by the fitted ranker, best first. */
export function rankForPart(
  app: App,
  q: AnalyzedQuestion,
  part: QuestionPart,
  candidates: Candidate[],
  gated = true,
  trimmed = 8,
): Scored[] {
  const ctx = partContext(app, q, part, candidates);
  const fits = clauseFits(part, q);
  const item = itemWords(part, q);
  const literal = attributeWords(item, part);
  const model = answerModel();
  const ranked: Scored[] = [];
  for (const c of candidates) {
    if (!agreesWithEntities(c, q)) continue;
    if (gated && !agreesLocally(c, q, part)) continue;
    // A sentence that only repeats the title (a heading line) answers nothing.
    if (c.norm === normalizeForMatch(c.chunk.metadata.title) || c.norm.replace(/[\p{P}\s]/gu, "").length < 6) continue;
    if (gated && typeGate(part) && !hasAnswerSpan(c.norm, part, q) && !yearFromBefore(c.norm, c.prevNorm, part, q))
      continue;
    // 哪里 without a level: a place is often written without an administrative suffix (南美洲, 晋阳, 香港), so
    // the clause filter only guides the trimming; 哪个县 keeps it as a gate.
    if (gated && (part.kind !== "place" || part.level !== "") && !fits(c.norm)) continue;
    if (gated && onlyInListTotal(c.norm, part)) continue;
    // The item may be named in the title or heading (not the lead, which names much of what the document is
    // about), or in the sentence before when this one has no subject of its own (派出采样队员…: Chinese drops a
    // subject the sentence before has named) or goes on after a semicolon (…门诊收入增长106.43%； | 出院人次增长
    // 46.05%，住院业务收入增长60.82%。).
    const around = (): string =>
      `${normalizeForMatch(`${c.chunk.metadata.title}\n${c.chunk.metadata.heading}`)}\n${continuesClause(c.text) || /[；;]$/.test(c.prevNorm) ? c.prevNorm : ""}`;
    if (gated && !itemAgrees(c.norm, around, item, literal)) continue;
    if (gated && !roleAgrees(c.norm, part)) continue;
    if (gated && !countedAgrees(`${c.norm}\n${normalizeForMatch(c.chunk.metadata.title)}`, part)) continue;
    const features = candidateFeatures(ctx, q, c);
    ranked.push({ candidate: c, span: c.text, score: rankScore(features, model), coverage: features.cov, features });
  }
  ranked.sort((a, b) => b.score - a.score);
  // A figure, date or place is stated in a clause or two; a description may need the whole sentence.
  const fact = part.kind === "amount" || part.kind === "date";
  const max = fact ? FACT_ANSWER_CHARS : MAX_ANSWER_CHARS;
  for (const pick of ranked.slice(0, trimmed)) {
    const context = part.kind === "place" ? "" : normalizeForMatch(pick.candidate.chunk.metadata.title);
    pick.span = trimToClauses(pick.candidate.text, ctx.partWeights, gated ? fits : () => true, max, !fact, context);
    if (gated && part.kind === "amount") pick.span = countedClause(app, pick, part) ?? pick.span;
  }
  return ranked;
}

/** How much better another figure of the sentence must fit the counted thing to move the answer to its clause. */
const COUNTED_MARGIN = 0.2;

/**
 * The ranker is a conditional logit: a score difference d means the runner-up is e^-d times as likely to be the
 * answering sentence as the best. Within this difference (a quarter of the best's probability) and standing
 * right beside it, the runner-up is quoted with it as one excerpt of the passage.
 */
const NEIGHBOUR_MARGIN = Math.log(4);

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

const placed = (s: Scored): PlacedScore => ({
  score: s.score,
  chunkId: s.candidate.chunk.metadata.chunkId,
  position: s.candidate.position,
  spanChars: s.span.length,
});

/**
 * A sentence that opens by referring back (他, 它, 这套法规, 该线路, 此条款, 其定位, 因此): what it refers to stands
 * in the sentence before. Not 此外, 其中, 其后, which only link.
 */
const ANAPHOR =
  /^(?:他|她|它|(?:这|该|此)(?!外|后|时|前)\p{Script=Han}|其(?!中|后|他|它|余|实|次)\p{Script=Han}|因此|所以|因而|于是)/u;

/** A question that asks which one or who (哪一支龙舟队, 何人, 谁): the answer may be what an anaphor refers to. */
const ENTITY_ASKED = /谁|何人|哪/;

/** An optional classifier between 哪 / 这 and the noun (哪一张专辑, 这所学校, 该线路). */
const CLASSIFIER = "[个张部座位条家所本首项种间支名件场次届]?";

/**
 * Whether a (normalised) sentence points with 这 / 该 / 此 at the thing the (normalised) question asks for with 哪: 五月天的哪一张专辑得到了…奖 and
 * 五月天也以这张专辑获得…奖 share the noun (专辑); the sentence is the question's own with its answer referred to,
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

/** The longest sentence quoted before an answer for what its opening word refers to. */
const ANTECEDENT_CHARS = 80;

/**
 * The sentence before the answer's first sentence, quoted with it when that sentence opens by referring back and
 * the question asks which one or who: 何人呼籲…立法禁止狩獵 → 他呼籲…立法禁止狩獵 is answered by the sentence before
 * it, which names 他 (牛頓). The answer's span must start where its sentence starts, or the anaphor is not its
 * opening.
 */
export function antecedentOf(first: Pick, candidates: Candidate[], part: QuestionPart): Pick | undefined {
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
export function yearOfRelative<P extends Pick>(
  first: P,
  candidates: Candidate[],
  part: QuestionPart,
  q: AnalyzedQuestion,
): { first: P; before?: Pick } {
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
export function besideRunnerUp(ranked: Scored[]): Scored | undefined {
  const [best, next] = ranked;
  return best && next && quotedBeside(placed(best), placed(next)) ? next : undefined;
}

/**
 * A sentence listing several figures of the asked unit (医疗人才90人 … 90名教育人才) answers with the one whose
 * clause names the counted thing (多少名教育人才), by the table of figures; undefined keeps the span as trimmed.
 */
function countedClause(app: App, pick: Pick, part: QuestionPart): string | undefined {
  // The counted thing's head (工作站 in 多少个招引投资的工作站) decides over the words that qualify it.
  const words = part.counted || part.focus.join("");
  if (!words || pick.candidate.figures.filter((f) => figureFits(f, part)).length < 2) return undefined;
  const found = bestRow(app, pick, part, words);
  if (!found?.row || found.fit < 0.5) return undefined;
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

/**
 * The counted thing must agree (多少名教育人才 is not answered by 医疗人才90人): when the best candidate does not
 * name the question's counted thing (nor a synonym of it) and one of the next two, close in score,
 * has a figure that counts exactly that, that one goes first. The confidence stays the one computed for the
 * ranking as fitted (whether the passages answer at all); the agreement decides which sentence answers.
 */
function preferCounted(app: App, part: QuestionPart, ranked: Scored[]): void {
  const [top] = ranked;
  if (!top || !part.counted || part.kind !== "amount") return;
  const counts = (pick: Pick): number => {
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
  app: App,
  question: string,
  retrieved: ScoredPassage[],
  options: { trimAll?: boolean; analyzed?: AnalyzedQuestion } = {},
): Promise<{ q: AnalyzedQuestion; candidates: Candidate[]; parts: PartAnalysis[] }> {
  const trimmed = options.trimAll ? Infinity : 8;
  const q = options.analyzed ?? analyzeQuestion(question);
  const candidates = candidatesFrom(app, retrieved, await app.embeddings.embedQuestion(question));
  const model = answerModel();
  const parts = q.parts.map((part): PartAnalysis => {
    const ranked = rankForPart(app, q, part, candidates, true, trimmed);
    const cf = confidenceFeatures(ranked, retrieved);
    preferCounted(app, part, ranked);
    const strict: PartAnalysis = { part, ranked, confidence: cf ? confidence(cf, model) : 0, confidenceFeatures: cf };
    const relaxable =
      part.kind === "place" || (part.kind === "amount" && part.units.length > 0 && !part.units.includes(""));
    // Not confident with the asked shape (none has it, or the ones that have it are not the answer: 多少人 asked,
    // 5,583,064名 found, 人口達2,790,060 meant): look again for a place named otherwise or a bare figure, and
    // keep whichever the confidence model trusts more.
    if (!relaxable || strict.confidence >= model.threshold) return strict;
    const relaxed =
      part.kind === "place"
        ? { ...part, kind: "thing" as const, asked: "thing" as const }
        : { ...part, units: [...part.units, ""] };
    const again = rankForPart(app, q, relaxed, candidates, true, trimmed);
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

/**
 * Other documents' answers to the same part when nothing in the question picks one document (第十批援藏 is both
 * 山东's and 广东's; 山东援藏 is 山东's report and 淄博's): close in score, from another document whose context
 * agrees with every entity of the question, stating a different figure for the same attribute (the table of
 * figures tells what each figure counts). Two figures about different attributes are not alternatives.
 */
function alternativesFor(app: App, best: Pick, ranked: Pick[], q: AnalyzedQuestion, part: QuestionPart): Pick[] {
  if (part.kind !== "amount" && part.kind !== "date") return [];
  const words = part.focus.join("") || part.text;
  const bestRow = rowFor(app, best, part, words);
  if (!bestRow) return [];
  const anchors = q.entities.filter((e) => e.kind === "batch" || e.kind === "year");
  const out: Pick[] = [];
  const sources = new Set([best.candidate.chunk.metadata.source]);
  const floor = Math.min(best.score, 0);
  const years = q.entities.filter((e) => e.kind === "year").map((e) => Number(e.text.slice(0, 4)));
  // Each other document's best sentence: the same attribute, a time that fits the question's year, then score.
  const bySource = new Map<string, { pick: Pick; row: FigureRow; fit: number }>();
  for (const other of ranked.slice(1, 8)) {
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

/** Share of an attribute's character pairs two figures must share to count the same thing. */
const SAME_ATTRIBUTE = 0.5;
const PARTLY_SAME_ATTRIBUTE = 0.3;

/** The table row of the figure of a pick that best fits the part's counted thing. */
function rowFor(app: App, pick: Pick, part: QuestionPart, words: string): FigureRow | undefined {
  const found = bestRow(app, pick, part, words);
  return found?.row;
}

/** The span of a pick trimmed to the clauses around one of its figures. */
function clauseAround(pick: Pick, row: FigureRow): string {
  const text = pick.candidate.text;
  const at = normalizeForMatch(text).indexOf(normalizeForMatch(row.text));
  if (at < 0) return pick.span;
  if (pick.span.includes(row.text)) return pick.span;
  return trimToClauses(text, new Map(), (norm) => norm.includes(normalizeForMatch(row.text)), FACT_ANSWER_CHARS, false);
}

/** Each source's answer on a line of its own, led by whose figure it is when the span does not say. */
function perSource(app: App, picks: Pick[], part: QuestionPart): Pick[] {
  const words = part.focus.join("") || part.text;
  return picks.map((pick) => {
    const subject = rowFor(app, pick, part, words)?.subject ?? "";
    const span = pick.span.replace(/[。！？!?；;，,：:、]+$/, "");
    const named = subject === "" || normalizeForMatch(span).includes(normalizeForMatch(subject).slice(0, 2));
    return { ...pick, span: named ? span : `${subject}：${span}` };
  });
}

/** Ranked passages as the answer JSON shows them. */
export function passagesOut(passages: ScoredPassage[]): PassageOut[] {
  return passages.map((p) => ({
    source: p.chunk.metadata.source,
    chunkId: p.chunk.metadata.chunkId,
    score: Number(p.final.toFixed(4)),
    text: p.text,
  }));
}

function refusal(question: string, reason: string, passages: ScoredPassage[], lead?: Pick): AnswerResult {
  const base = { question, answered: false, mode: "extractive" as const, passages: passagesOut(passages) };
  if (!lead) return { ...base, answer: `资料中未找到${reason}。`, citations: [] };
  // The closest lead, shown honestly as related content rather than as the answer.
  const { pieces, citations } = composePieces([{ ...lead, span: lead.candidate.text }]);
  return { ...base, answer: `资料中未找到${reason}；相关内容：${pieces.join("")}`, citations };
}

/** A word or two and nothing that asks (帮助, 昂仁县): no question word, no question mark, at most four characters. */
function isBareWord(q: AnalyzedQuestion): boolean {
  const han = q.normalized.replace(/[^\p{Script=Han}]/gu, "");
  return (
    q.parts.length === 1 &&
    q.parts[0]?.kind === "thing" &&
    han.length <= 4 &&
    !/[?？]|什么|哪|怎|如何|吗|谁|多少|几/.test(q.normalized)
  );
}

/** Entities of the question that none of the read passages mention. */
function unsupportedEntities(q: AnalyzedQuestion, passages: ScoredPassage[]): Entity[] {
  const texts = passages
    .slice(0, READ_PASSAGES)
    .map((p) => normalizeForMatch(`${documentContext(p.chunk)}\n${p.text}`));
  return q.entities.filter((e) => REQUIRED_ENTITY.has(e.kind) && !texts.some((t) => mentions(t, e)));
}

/**
 * Answers one question from the index: an extractive, cited answer or an honest refusal. `searched` passes the
 * RETRIEVE best passages when the caller has already retrieved them.
 */
export async function answerQuestion(app: App, question: string, searched?: ScoredPassage[]): Promise<AnswerResult> {
  const retrieved = searched ?? (await app.retriever.hybridSearch(question, { k: RETRIEVE }));
  const passages = retrieved.slice(0, SHOW_PASSAGES);
  if (passages.length === 0) return refusal(question, "任何相关内容", passages);
  const cross = analyzeCross(question);
  if (cross) {
    // A comparison or a total: each side asked on its own, the computation checked against the cited inputs.
    const analyze = async (sub: string) => {
      const found = await app.retriever.hybridSearch(sub, { k: RETRIEVE });
      const { parts } = await analyzeCandidates(app, sub, found);
      return parts[0] ? { part: parts[0].part, ranked: parts[0].ranked, confidence: parts[0].confidence } : undefined;
    };
    const result = await answerCross({ app, question, passages, analyze, passagesOut }, cross);
    if (result) return result;
  }
  const analyzed = analyzeQuestion(question);
  if (isBareWord(analyzed)) {
    // 「帮助」, 「昂仁县」: a word is not a question; any sentence that contains it would be a guess.
    return {
      ...refusal(question, "能回答这个问题的内容", passages),
      answer: `资料中未找到能回答“${question.trim()}”的内容：请把问题问完整，例如：${EXAMPLES[0]}`,
    };
  }
  const missing = unsupportedEntities(analyzed, passages);
  if (missing.length > 0) return refusal(question, `关于“${missing.map((e) => e.text).join("、")}”的内容`, passages);
  const { q, candidates, parts } = await analyzeCandidates(app, question, retrieved, { analyzed });

  const { threshold } = answerModel();
  const picks: Pick[] = [];
  let ambiguous = false;
  for (const analysis of parts) {
    const pick = analysis.ranked[0];
    if (!pick || analysis.confidence < threshold) {
      // The closest lead: the best sentence for the part regardless of type, if it is about the question at all.
      const lead = rankForPart(app, q, analysis.part, candidates, false)[0];
      return refusal(
        question,
        "能回答这个问题的内容",
        passages,
        lead && lead.features.covSyn >= 0.3 ? lead : undefined,
      );
    }
    const alternatives = q.parts.length === 1 ? alternativesFor(app, pick, analysis.ranked, q, analysis.part) : [];
    if (alternatives.length > 0) {
      ambiguous = true;
      picks.push(...perSource(app, [pick, ...alternatives], analysis.part));
      continue;
    }
    const beside = q.parts.length === 1 ? besideRunnerUp(analysis.ranked) : undefined;
    const excerpt = beside
      ? beside.candidate.position < pick.candidate.position
        ? [beside, pick]
        : [pick, beside]
      : [pick];
    const dated = excerpt[0] ? yearOfRelative(excerpt[0], candidates, analysis.part, q) : undefined;
    if (dated) excerpt[0] = dated.first;
    const before =
      q.parts.length === 1 && excerpt[0]
        ? (antecedentOf(excerpt[0], candidates, analysis.part) ?? dated?.before)
        : undefined;
    picks.push(...joinExcerpt(before ? [before, ...excerpt] : excerpt));
  }

  const { pieces, citations } = composePieces(picks);
  // A person asked for by name (叫什么名字) and an answer that names no one the question does not: refused with it
  // as the lead, not shown as the answer (the person type is a ranker feature, names being too varied for a gate).
  const [only] = parts;
  if (
    parts.length === 1 &&
    only?.part.asked === "person" &&
    asksPersonName(only.part.text) &&
    !namesSomething(normalizeForMatch(pieces.join("")), q)
  ) {
    return refusal(question, "能回答这个问题的内容", passages, picks[0]);
  }
  // Several sources: one line each (whose figure, the figure, its citation), not a claim that they conflict.
  const answer = ambiguous
    ? `各文件分别给出：\n${pieces.map((p) => p.replace(/。(\[\d+\])$/, "$1")).join("\n")}`
    : pieces.join("");
  const check = verifyFigures(answer, citations);
  if (!check.ok) return refusal(question, "可核实的答案", passages);
  return { question, answered: true, mode: "extractive", answer, citations, passages: passagesOut(passages) };
}

// Questions across documents and figures: comparisons (哪个更多, 谁先, 比…多多少, 是否超过) and totals (一共,
// 合计, 加起来, 相差). Each side or input is asked as a question of its own through the single-answer pipeline,
// its figure is chosen from the table of figures (src/facts/table.ts) by what it counts, and the result is
// computed by src/facts/arithmetic.ts, listed in `derived` and checked by the verifier like any other figure.
import type { AnswerContext } from "./context.js";
import { compareFigures, comparable, difference, sum, unitKind, type Derived } from "../facts/arithmetic.js";
import { rowsOfSentence, type FigureRow } from "../facts/table.js";
import type { ScoredPassage } from "../search/retriever.js";
import { extractEntities } from "../text/entities.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import type { Candidate } from "./candidates.js";
import { citeFor, type Selection } from "./compose.js";
import { answerModel } from "./model.js";
import { figureFits } from "./spans.js";
import type { QuestionPart } from "./question.js";
import type { AnswerResult, Citation } from "./types.js";
import { verifyFigures } from "./verify.js";

export type Relation = "more" | "less" | "earlier" | "later" | "exceed" | "difference" | "total";

/** A question that needs two or more figures and a computation on them. */
export interface CrossQuestion {
  relation: Relation;
  /** One question per side or input (the shared context and the asked attribute added to each). */
  items: string[];
  /** How the answer names each side (山东援藏为日喀则协调的医疗物资, 淄博). */
  labels: string[];
  /** The words that say what is compared (价值, 人数, 投资); "" when the sides say it. */
  attribute: string;
  /** Whether a date is compared rather than an amount. */
  dates: boolean;
  /** The question's own comparative (更高, 更多, 先), used in the verdict. */
  word?: string;
  /** A total of the figures one sentence lists (分别安排…50个、44个、79个 → 合计): the single item asks for the list. */
  group?: boolean;
}

const CONNECTOR = /[，,]?(?:和|与|跟|同|还是|以及)/g;
const COMPARATIVE =
  /(?:哪个|哪一个|哪边|哪一方|哪方|哪家|哪项|哪一项|谁)(.{0,12}?)(更多|更高|更大|更少|更低|更小|更早|更晚|更先|先|早|多|高|大|少)(.{0,6}?)[？?。]?$/;
const EXCEED = /^(.+?)(?:是否|有没有|是不是)(?:超过|高于|多于|大于)了?(.+?)[？?吗]*$/;
const DIFFERENCE = /^(.+?)比(.+?)(多|少|高|低)(?:了)?(多少|几)(.{0,4})[？?]?$/;
const TOTAL = /(?:一共|合计|总共|加起来|共计|总计|总和|相加|加在一起)/;
const DIFFERENCE_OF = /(?:相差|差多少|差了多少|差距)/;
const MONEY_WORD = /价值|投资|资金|钱|金额|投入|经费|收入|元/;
const PEOPLE_WORD = /人数|多少人|人才|干部|专家|医生|教师|队员|人员|患儿|学生/;

/** Splits the sides of a comparison: at 「，和」 if there is one, else at the connector before a new subject. */
function splitSides(text: string): [string, string] | undefined {
  const matches = [...text.matchAll(CONNECTOR)];
  if (matches.length === 0) return undefined;
  const at = (m: RegExpMatchArray): [string, string] => [
    text.slice(0, m.index),
    text.slice((m.index ?? 0) + m[0].length),
  ];
  const comma = matches.find((m) => /^[，,]/.test(m[0]));
  if (comma) return at(comma);
  const startsWithName = matches.find((m) => {
    const right = text.slice((m.index ?? 0) + m[0].length);
    return extractEntities(right.slice(0, 8)).some(
      (e) => (e.kind === "place" || e.kind === "org") && right.startsWith(e.text.slice(0, 2)),
    );
  });
  const chosen = startsWithName ?? matches[matches.length - 1];
  return chosen ? at(chosen) : undefined;
}

/** The list items of an enumeration (A、B和C): split at 、 and the last connector. */
function listItems(text: string): string[] {
  return text
    .split(/、|(?:和|与|以及|及)(?=[^、]*$)/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 2);
}

function label(side: string, other: string): string {
  const clean = side.replace(/^[，,\s]+|[的，,\s]+$/g, "");
  if (clean.length <= 16) return clean;
  const name = extractEntities(clean)
    .filter((e) => (e.kind === "place" || e.kind === "org") && !other.includes(e.text))
    .sort((x, y) => clean.indexOf(x.text) - clean.indexOf(y.text))[0];
  return name?.text ?? clean.slice(0, 16);
}

/** A short side (山东) takes the rest of the other side (的第十批援藏工作队) to become a question of its own. */
function completeSides(a: string, b: string): [string, string] {
  const nameB = extractEntities(b).find(
    (e) => (e.kind === "place" || e.kind === "org" || e.kind === "batch") && b.startsWith(e.text),
  );
  const nameA = extractEntities(a).find((e) => a === e.text || a === `${e.text}的`);
  if (nameA && nameB && b.length > nameB.text.length + 1) return [`${a}${b.slice(nameB.text.length)}`, b];
  return [a, b];
}

function askFor(item: string, attribute: string, dates: boolean, predicate: string): string {
  if (dates) return `${item}什么时候${predicate}？`;
  const both = `${item}${attribute}`;
  if (MONEY_WORD.test(both)) {
    if (!attribute || MONEY_WORD.test(item.slice(-4))) return `${item}是多少元？`;
    return `${item}的${attribute}是多少元？`.replace(/的的/g, "的");
  }
  if (/人数/.test(attribute) || (attribute === "" && PEOPLE_WORD.test(item))) return `${item}有多少人？`;
  return `${item}${attribute ? `的${attribute}` : ""}是多少？`;
}

/** The most inputs a total adds up (each is asked and retrieved on its own). */
export const MAX_TOTAL_INPUTS = 5;

/** Recognises a comparison or a total over listed inputs; undefined for every other question. */
export function analyzeCross(question: string): CrossQuestion | undefined {
  const whole = normalizeForMatch(question.trim()).replace(/[？?]+$/, "");
  // 「…分别安排了多少个…？三年合计多少个？」: the total of the figures the first question lists.
  const pieces = whole.split(/[？?]/).filter((p) => p.trim());
  const totalPiece = pieces.findIndex((p, i) => i > 0 && TOTAL.test(p) && /多少|几/.test(p));
  const listing = pieces.slice(0, Math.max(totalPiece, 0)).find((p) => /分别/.test(p));
  if (totalPiece > 0 && listing) {
    return {
      relation: "total",
      items: [`${listing}？`],
      labels: [listing.replace(/分别|多少|几/g, "").slice(0, 16)],
      attribute: "",
      dates: false,
      group: true,
    };
  }
  const text = pieces.length > 1 ? (pieces.at(-1) ?? whole) : whole;
  const clauses = text.split(/[，,]/);
  const last = clauses.at(-1) ?? "";
  const context = clauses.length > 2 && !CONNECTOR.test(clauses[0] ?? "") ? `${clauses[0]}，` : "";
  CONNECTOR.lastIndex = 0;

  const comparative = COMPARATIVE.exec(last);
  if (comparative) {
    const head = last.slice(0, comparative.index);
    const body = (head.length > 0 ? head : clauses.slice(context ? 1 : 0, -1).join("，")).replace(/[，,]$/, "");
    const sides = splitSides(body);
    if (!sides) return undefined;
    const word = comparative[2] ?? "";
    const dates = /先|早|晚/.test(word);
    const attribute = (comparative[1] ?? "").replace(/^(?:援藏项目|项目)?/, (m) => m).replace(/的$/, "");
    const predicate = dates ? `${comparative[1] ?? ""}${comparative[3] ?? ""}` : "";
    if (!dates && (comparative[3] ?? "").replace(/一些|些|了|呢|啊/g, "").length > 0) return undefined;
    // 「…以及哪一个人作为最早的…」 asks who, not which of two: both sides must say something.
    if (sides[0].trim().length < 2 || sides[1].trim().length < 2) return undefined;
    const [a, b] = completeSides(sides[0].trim(), sides[1].trim());
    const relation: Relation = dates
      ? /晚/.test(word)
        ? "later"
        : "earlier"
      : /少|低|小/.test(word)
        ? "less"
        : "more";
    return {
      relation,
      items: [
        askFor(`${context}${a}`, dates ? "" : attribute, dates, predicate),
        askFor(`${context}${b}`, dates ? "" : attribute, dates, predicate),
      ],
      labels: [label(sides[0], sides[1]), label(sides[1], sides[0])],
      attribute,
      dates,
      word,
    };
  }
  const exceed = EXCEED.exec(text);
  if (exceed) {
    const [a, b] = completeSides((exceed[1] ?? "").trim(), (exceed[2] ?? "").trim());
    if (a.length < 2 || b.length < 2) return undefined;
    return {
      relation: "exceed",
      items: [askFor(a, "", false, ""), askFor(b, "", false, "")],
      labels: [label(exceed[1] ?? "", b), label(exceed[2] ?? "", a)],
      attribute: "",
      dates: false,
    };
  }
  const diff = DIFFERENCE.exec(last);
  if (diff) {
    const a = `${context}${clauses.slice(context ? 1 : 0, -1).join("，")}${diff[1] ?? ""}`.trim();
    const [x, y] = completeSides(a, (diff[2] ?? "").trim());
    const attribute = diff[5] ?? "";
    return {
      relation: "difference",
      items: [askFor(x, attribute, false, ""), askFor(y, attribute, false, "")],
      labels: [label(diff[1] ?? a, y), label(diff[2] ?? "", x)],
      attribute,
      dates: false,
    };
  }
  // A total of listed inputs: 「A、B和C，一共有多少人」; the inputs are the list before the total's clause.
  // Only a clause that asks for an amount (合计多少, not 合计总市值名列第几位) asks for a total.
  const totalAt = clauses.findIndex(
    (c) => (TOTAL.test(c) || DIFFERENCE_OF.test(c)) && /多少|几/.test(c) && !/第几|几位|几名/.test(c),
  );
  if (totalAt >= 0) {
    const listText = clauses.slice(0, totalAt).join("，") || (clauses[totalAt] ?? "").split(TOTAL)[0] || "";
    const items = listItems(listText);
    // Listed years or figures (21、22年那10个项目) qualify one thing; they are not things to add up.
    // Short items (受援和协作地区, 资金和物资) qualify one noun; inputs to add up are named in full.
    if (items.length < 2 || items.some((it) => /\d/.test(it) || it.length < 4)) return undefined;
    // Each input is a retrieval of its own: a longer list is answered the usual way, so one question's work
    // stays bounded and one chat cannot slow the others.
    if (items.length > MAX_TOTAL_INPUTS) return undefined;
    // The first item carries the shared lead-in (广东第十批援藏工作队进藏后选派的); the others take it too.
    const lead = /^(.*(?:的))[^的]+$/.exec(items[0] ?? "")?.[1] ?? "";
    const full = items.map((it, i) => (i === 0 || !lead ? it : `${lead}${it}`));
    const ask = (clauses[totalAt] ?? "").replace(TOTAL, "");
    const attribute = /人/.test(ask) ? "人数" : "";
    const relation: Relation = DIFFERENCE_OF.test(clauses[totalAt] ?? "") ? "difference" : "total";
    return {
      relation,
      items: full.map((it) => askFor(it, attribute, false, "")),
      labels: items,
      attribute,
      dates: false,
    };
  }
  return undefined;
}

/** Asks one side or input through the single-answer pipeline: its part, ranked candidates and confidence. */
export type AnalyzeSide = (
  question: string,
) => Promise<{ part: QuestionPart; ranked: Selection[]; confidence: number } | undefined>;

/** What answering a cross question needs from the caller. */
export interface CrossRun {
  app: AnswerContext;
  question: string;
  /** The whole question's passages, shown in the answer JSON. */
  passages: ScoredPassage[];
  analyze: AnalyzeSide;
  passagesOut: (p: ScoredPassage[]) => AnswerResult["passages"];
}

/** One resolved side or input: the figure chosen, its table row and the candidate sentence it stands in. */
export interface Resolved {
  figure: Figure;
  row: FigureRow | undefined;
  pick: Selection;
  confidence: number;
}

function bigrams(text: string): Set<string> {
  const clean = normalizeForMatch(text).replace(/[^\p{Script=Han}\dA-Za-z]/gu, "");
  const out = new Set<string>();
  for (let i = 0; i + 1 < clean.length; i++) out.add(clean.slice(i, i + 2));
  return out;
}

/** Share of the words of `words` (character pairs) found in `text`. */
export function overlap(words: string, text: string): number {
  const a = bigrams(words);
  if (a.size === 0) return 0;
  const b = bigrams(text);
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / a.size;
}

/** The table rows of a candidate sentence. */
export function rowsOf(app: AnswerContext, candidate: Candidate): FigureRow[] {
  return rowsOfSentence(app.index.figures, candidate.chunk.metadata.source, candidate.text);
}

/** The row of a sentence whose clause best matches the words (what it counts), among figures fitting the part. */
export function bestRow(
  app: AnswerContext,
  pick: Selection,
  part: QuestionPart,
  words: string,
): { figure: Figure; row: FigureRow | undefined; fit: number } | undefined {
  const rows = rowsOf(app, pick.candidate);
  let best: { figure: Figure; row: FigureRow | undefined; fit: number } | undefined;
  for (const figure of pick.candidate.figures) {
    if (!figureFits(figure, part) || figure.kind === "number") continue;
    const row = rows.find((r) => normalizeForMatch(r.text) === figure.text);
    const context = row ? `${row.before} ${row.attribute} ${row.after}` : pick.candidate.norm;
    const fit = overlap(words, context) + 0.5 * overlap(words, row ? `${row.subject}${row.time}` : "");
    if (!best || fit > best.fit) best = { figure, row, fit };
  }
  return best;
}

/** Resolves one side or input through the single-answer pipeline (its own retrieval, ranking and confidence). */
async function resolve(
  app: AnswerContext,
  item: string,
  words: string,
  analyze: AnalyzeSide,
): Promise<Resolved | undefined> {
  const analysis = await analyze(item);
  if (!analysis) return undefined;
  let best: (Resolved & { fit: number }) | undefined;
  analysis.ranked.slice(0, 3).forEach((pick, i) => {
    const found = bestRow(app, pick, analysis.part, words);
    if (!found) return;
    const fit = found.fit - 0.15 * i;
    if (!best || fit > best.fit) best = { ...found, pick, confidence: analysis.confidence, fit };
  });
  return best;
}

/** The clause of a sentence holding a figure (with the one before when that is only a lead-in). */
function clauseWith(sentence: string, figure: Figure): string {
  const breaks = /[，,；;。！？]/;
  let from = figure.start;
  while (from > 0 && !breaks.test(sentence[from - 1] ?? "")) from--;
  let to = figure.end;
  while (to < sentence.length && !breaks.test(sentence[to] ?? "")) to++;
  if (figure.start - from < 3 && from > 1) {
    from--;
    while (from > 0 && !breaks.test(sentence[from - 1] ?? "")) from--;
  }
  return sentence.slice(from, to).trim();
}

/** Whether one input's own clause names every listed item (the document states the total itself). */
function statesTotal(resolved: Resolved[], labels: string[]): boolean {
  const own = labels.map((l, i) =>
    [...bigrams(l)].filter((g) => labels.every((o, j) => j === i || !bigrams(o).has(g))),
  );
  return resolved.some((r) => {
    const context = bigrams(r.row ? `${r.row.before}${r.row.attribute}` : r.pick.candidate.norm);
    return own.every((grams) => grams.length > 0 && grams.some((g) => context.has(g)));
  });
}

const OPPOSITE: Record<string, string> = { 多: "少", 高: "低", 大: "小", 少: "多", 低: "高", 小: "大" };

function relationWords(relation: Relation, dates: boolean, word = ""): [string, string] {
  if (dates) return relation === "later" ? ["更晚", "更早"] : ["更早", "更晚"];
  const w = word.replace(/^更/, "");
  if (w in OPPOSITE) return [`更${w}`, `更${OPPOSITE[w] ?? ""}`];
  return relation === "less" ? ["更少", "更多"] : ["更多", "更少"];
}

/**
 * Answers a comparison or a total: each side resolved and cited on its own line, the verdict or the computed
 * figure last, listed in `derived`. Undefined (the question then goes the usual way) when a side has no figure
 * the answerer is confident in, or the inputs fall on one figure; a refusal with both figures shown when they
 * are of different kinds or cannot be ordered.
 */
export async function answerCross(run: CrossRun, cross: CrossQuestion): Promise<AnswerResult | undefined> {
  const { app, question, passages, analyze, passagesOut } = run;
  if (cross.group) return answerGroupTotal(run, cross);
  const resolved: Resolved[] = [];
  for (const item of cross.items) {
    const words = item.replace(/(?:的)?(?:是多少元|是多少|有多少人|什么时候.*)？$/, "");
    const r = await resolve(app, item, words, analyze);
    if (!r) return undefined;
    resolved.push(r);
  }
  const { threshold } = answerModel();
  const citations: Citation[] = [];
  const lines = resolved.map((r, i) => {
    const cit = citeFor({ ...r.pick, span: r.pick.candidate.text }, citations);
    const clause = clauseWith(r.pick.candidate.text, { ...r.figure, start: r.figure.start, end: r.figure.end });
    return `${cross.labels[i]}：${clause}[${cit.n}]`;
  });
  const base = { question, mode: "extractive" as const, citations, passages: passagesOut(passages) };
  const figures = resolved.map((r) => ({
    ...r.figure,
    text: r.pick.candidate.text.slice(r.figure.start, r.figure.end),
  }));
  const distinct =
    new Set(resolved.map((r) => `${r.pick.candidate.chunk.metadata.source}:${r.figure.start}:${r.pick.candidate.text}`))
      .size === resolved.length;
  // Inputs that fall on one figure are no list (资金和物资共计6369万元 states the total itself): answered as usual.
  if (!distinct) return undefined;
  if (cross.relation === "total" && statesTotal(resolved, cross.labels)) return undefined;
  // A side the answerer is not confident in: the question goes the usual way (a document may state the
  // comparison in words: 烽火台的修築早於長城), which answers or refuses on its own.
  if (resolved.some((r) => r.confidence < threshold)) return undefined;
  const [a, b] = figures as [Figure, Figure];
  let verdict: string;
  let derived: Derived[];
  if (cross.relation === "total") {
    const total = sum(figures);
    // Figures of different kinds are no total the question meant: answered as a single question instead.
    if (!total) return undefined;
    verdict = `合计：${figures.map((f) => f.text).join(" + ")} = ${total}。`;
    derived = [{ text: total, op: "sum", inputs: figures.map((f) => f.text) }];
  } else if (cross.relation === "difference") {
    const diff = difference(a, b);
    if (!diff) return { ...base, answered: false, answer: `这两个数字单位不同，不能相减：\n${lines.join("\n")}` };
    const [hi, lo] = (a.value ?? 0) >= (b.value ?? 0) ? [a, b] : [b, a];
    verdict = `相差：${hi.text} − ${lo.text} = ${diff}。`;
    derived = [{ text: diff, op: "difference", inputs: [hi.text, lo.text] }];
  } else {
    const order = compareFigures(a, b);
    if (!cross.dates && !comparable(a, b)) {
      return {
        ...base,
        answered: false,
        answer: `两者不是同一类数字（${unitKind(a.unit) || a.text}与${unitKind(b.unit) || b.text}），无法比较：\n${lines.join("\n")}`,
      };
    }
    if (order === undefined)
      return { ...base, answered: false, answer: `资料中的数字不足以判断先后或大小：\n${lines.join("\n")}` };
    const [word, opposite] = relationWords(cross.relation, cross.dates, cross.word);
    const first = cross.labels[0] ?? "";
    const second = cross.labels[1] ?? "";
    const symbol = order < 0 ? "<" : order > 0 ? ">" : "=";
    const relationText = `${a.text} ${symbol} ${b.text}`;
    if (cross.relation === "exceed")
      verdict = order > 0 ? `结论：超过（${relationText}）。` : `结论：没有超过（${relationText}）。`;
    else if (order === 0) verdict = `结论：两者相同（${relationText}）。`;
    else {
      const aWins = cross.dates
        ? cross.relation === "earlier"
          ? order < 0
          : order > 0
        : cross.relation === "less"
          ? order < 0
          : order > 0;
      verdict = `结论：${aWins ? first : second}${word}，${aWins ? second : first}${opposite}（${relationText}）。`;
    }
    derived = [{ text: relationText, op: "compare", inputs: [a.text, b.text] }];
  }
  const answer = `${lines.join("\n")}\n${verdict}`;
  if (!verifyFigures(answer, citations, derived).ok) return undefined;
  return { ...base, answered: true, answer, derived };
}

/**
 * 「分别安排了多少个…？合计多少个？」: the figures one sentence lists for the asked attribute (a group of the
 * table of figures), each shown, and their sum.
 */
async function answerGroupTotal(run: CrossRun, cross: CrossQuestion): Promise<AnswerResult | undefined> {
  const { app, question, passages, analyze, passagesOut } = run;
  const item = cross.items[0] ?? "";
  const analysis = await analyze(item);
  if (!analysis || analysis.confidence < answerModel().threshold) return undefined;
  for (const pick of analysis.ranked.slice(0, 3)) {
    const rows = rowsOf(app, pick.candidate).filter((r) => {
      const figure = extractFiguresOf(r);
      return figure !== undefined && figureFits(figure, analysis.part);
    });
    const groups = new Map<number, FigureRow[]>();
    for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
    const listed = [...groups.values()].filter((g) => g.length >= 2);
    const best = listed
      .map((g) => ({ g, fit: overlap(item, `${g[0]?.before ?? ""}${g[0]?.attribute ?? ""}`) }))
      .sort((x, y) => y.fit - x.fit)[0];
    if (!best || best.fit === 0) continue;
    const figures = best.g
      .map((r) => extractFiguresOf(r) as Figure)
      .map((f, i) => ({ ...f, text: best.g[i]?.text ?? f.text }));
    const total = sum(figures);
    if (!total) return undefined;
    const citations: Citation[] = [];
    const cit = citeFor({ ...pick, span: pick.candidate.text }, citations);
    const first = best.g[0] as FigureRow;
    const last = best.g[best.g.length - 1] as FigureRow;
    const from = first.start - (first.before.length + 1);
    const sentenceStart = first.start - pick.candidate.text.indexOf(first.text);
    const clause = pick.candidate.text
      .slice(Math.max(0, from - sentenceStart), last.end - sentenceStart)
      .replace(/^[，,；;]/, "");
    const answer = `${clause}[${cit.n}]\n合计：${figures.map((f) => f.text).join(" + ")} = ${total}。`;
    const derived: Derived[] = [{ text: total, op: "sum", inputs: figures.map((f) => f.text) }];
    if (!verifyFigures(answer, citations, derived).ok) return undefined;
    return {
      question,
      answered: true,
      mode: "extractive",
      answer,
      citations,
      passages: passagesOut(passages),
      derived,
    };
  }
  return undefined;
}

/** A table row's figure, parsed again from its text. */
function extractFiguresOf(row: FigureRow): Figure | undefined {
  return extractFigures(normalizeForMatch(row.text))[0];
}

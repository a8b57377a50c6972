// Cross-document questions, step 2b, answering: comparisons (哪个更多, 谁先, 比…多多少, 是否超过) and totals (一共,
// 合计, 加起来, 相差). Each side or input is asked as a question of its own through the single-answer pipeline,
// its figure is chosen from the table of figures (src/facts/table.ts) by what it counts, and the result is
// computed by src/facts/arithmetic.ts, listed in `derived` and checked by the verifier like any other figure.
import type { AnswerContext } from "./context.js";
import { compareFigures, comparable, difference, sum, unitKind, type Derived } from "../facts/arithmetic.js";
import type { FigureRow } from "../facts/table.js";
import type { ScoredPassage } from "../search/retriever.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { citeFor, type Selection } from "./compose.js";
import { answerModel } from "./model.js";
import { figureFits } from "./spans.js";
import type { QuestionPart } from "./question.js";
import type { AnswerResult, Citation } from "./types.js";
import { verifyFigures } from "./verify.js";
import type { CrossQuestion, Relation } from "./cross-question.js";
import { bestRow, bigrams, overlap, rowsOf } from "./rows.js";

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

/** Resolves one side or input through the single-answer pipeline (its own retrieval, ranking and confidence). */
async function resolve(
  app: AnswerContext,
  item: string,
  words: string,
  analyze: AnalyzeSide,
  names?: string,
): Promise<Resolved | undefined> {
  const analysis = await analyze(item);
  if (!analysis) return undefined;
  let best: (Resolved & { fit: number }) | undefined;
  const own = names ? analysis.ranked.filter((p) => p.candidate.norm.includes(names)) : analysis.ranked;
  own.slice(0, 3).forEach((pick, i) => {
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
  for (const [i, item] of cross.items.entries()) {
    const words = item.replace(/(?:的)?(?:是多少元|是多少|有多少人|什么时候.*)？$/, "");
    const r = await resolve(app, item, words, analyze, cross.named?.[i]);
    if (!r) return undefined;
    resolved.push(r);
  }
  const { threshold } = answerModel();
  const citations: Citation[] = [];
  const lines = resolved.map((r, i) => {
    const cit = citeFor({ ...r.pick, span: r.pick.candidate.text }, citations);
    const text = r.pick.candidate.text;
    const clause = clauseWith(text, { ...r.figure, start: r.figure.start, end: r.figure.end });
    const label = cross.labels[i] ?? "";
    // A label with a figure the sentence does not hold (2021—2022年 for 2021年、2022年…) would be a figure no
    // quote stands behind: the sentence up to the figure's clause says which input it is instead.
    if (/\d/.test(label) && !normalizeForMatch(text).includes(normalizeForMatch(label))) {
      const end = text.indexOf(clause) + clause.length;
      return `${text.slice(0, end).replace(/[，,；;]$/, "")}[${cit.n}]`;
    }
    return `${label}：${clause}[${cit.n}]`;
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

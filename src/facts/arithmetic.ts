// Arithmetic on figures as written: totals, differences, comparisons. Units are normalised before anything is
// added (1.32亿元 and 4199万元 are both 元; 90人 and 73名 are both people) and a result is written in its inputs'
// unit (19个 + 39个 = 58个; 4199万元 + 1.32亿元 = 17399万元). The same code checks a derived figure: the
// verifier accepts one only when it equals this arithmetic on figures of the cited quotes.
import { extractFigures, type Figure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";

/** A derived figure of an answer, as CONTRACT.md lists it under `derived`. */
export interface Derived {
  text: string;
  op: "sum" | "difference" | "ratio" | "compare";
  inputs: string[];
}

/** Units that measure the same kind of thing: people are counted in 人, 名 and 位 alike. */
const SAME_KIND: Record<string, string> = {
  名: "人",
  位: "人",
  余人: "人",
  多人: "人",
  人: "人",
  // Events: 多少场活动 is answered by 200余次, 几趟 by 10余次.
  次: "次",
  场: "次",
  场次: "次",
  趟: "次",
  回: "次",
  轮: "次",
  // Shops and branches: 多少家分店 is answered by 28间.
  家: "家",
  间: "家",
  // One measure under two names: 多少千米 is answered by 12公里, 多少千克 by 500公斤.
  千米: "公里",
  公里: "公里",
  千克: "公斤",
  公斤: "公斤",
};

/** What a unit measures (元 for money, 人 for people, the unit itself otherwise). */
export function unitKind(unit: string): string {
  return SAME_KIND[unit] ?? unit;
}

/** The one figure a text states (90人, 1.32亿元), or undefined. */
export function parseFigure(text: string): Figure | undefined {
  return extractFigures(normalizeForMatch(text))[0];
}

/** Whether two figures can be added or compared: both amounts (or percentages) of the same kind of unit. */
export function comparable(a: Figure, b: Figure): boolean {
  if (a.kind === "date" || b.kind === "date") return a.kind === b.kind;
  return (
    a.value !== undefined &&
    b.value !== undefined &&
    unitKind(a.unit) === unitKind(b.unit) &&
    (a.kind === "percent") === (b.kind === "percent")
  );
}

/** The multiplier word and unit a figure is written in (万元 → 万 + 元; 90人 → "" + 人). */
function writtenUnit(figure: Figure): { scale: number; suffix: string } {
  const m = /^[\d,.]+(?:多|余)?(万|亿|千|百)?(?:多|余)?(.*)$/.exec(figure.text);
  let word = `${m?.[1] ?? ""}${m?.[2] ?? ""}`;
  word = word.replace(/^(余|多)/, "");
  const scale = /^万/.test(word) ? 1e4 : /^亿/.test(word) ? 1e8 : /^千(?!瓦|米|克)/.test(word) ? 1e3 : 1;
  return { scale, suffix: word };
}

/** A sum or difference written exactly (1.4 + 1.512 = 2.912, not 2.91), without floating-point noise. */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A value written in the unit of a figure (17399万元 for 173990000 written like 4199万元). */
export function writeLike(value: number, like: Figure): string {
  const { scale, suffix } = writtenUnit(like);
  const unit = like.kind === "amount" && SAME_KIND[like.unit] ? suffix.replace(/^(名|位|余人|多人)$/, "人") : suffix;
  return `${formatNumber(value / scale)}${unit}`;
}

/** The input written in the smallest unit (4199万元 beside 1.32亿元): the result stays exact in it. */
function finest(inputs: Figure[]): Figure {
  return inputs.reduce((a, b) => (writtenUnit(b).scale < writtenUnit(a).scale ? b : a));
}

/** Whether a figure is written as an estimate (2900多万元, 600余万元). */
export function approximate(text: string): boolean {
  return /[多余]/.test(text);
}

/** The total of figures of one kind, written in the first one's unit; undefined when they cannot be added. */
export function sum(inputs: Figure[]): string | undefined {
  const [first] = inputs;
  if (!first || inputs.some((f) => !comparable(first, f) || f.kind === "date")) return undefined;
  const total = inputs.reduce((n, f) => n + (f.value ?? 0), 0);
  return writeLike(total, finest(inputs));
}

/** a − b written in a's unit; undefined when they cannot be subtracted. */
export function difference(a: Figure, b: Figure): string | undefined {
  if (!comparable(a, b) || a.kind === "date") return undefined;
  return writeLike(Math.abs((a.value ?? 0) - (b.value ?? 0)), finest([a, b]));
}

/** A date as a comparable range [earliest, latest] day (2022年7月 → 1 to 31 July 2022). */
export function dateRange(text: string): [number, number] | undefined {
  const m = /(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (!m[2]) return [Date.UTC(y, 0, 1), Date.UTC(y, 11, 31)];
  const mo = Number(m[2]) - 1;
  if (!m[3]) return [Date.UTC(y, mo, 1), Date.UTC(y, mo + 1, 0)];
  const d = Date.UTC(y, mo, Number(m[3]));
  return [d, d];
}

/** -1 when a is less (earlier), 1 when greater (later), 0 when equal, undefined when it cannot be told. */
export function compareFigures(a: Figure, b: Figure): -1 | 0 | 1 | undefined {
  if (a.kind === "date" && b.kind === "date") {
    const ra = dateRange(a.text);
    const rb = dateRange(b.text);
    if (!ra || !rb) return undefined;
    if (ra[1] < rb[0]) return -1;
    if (rb[1] < ra[0]) return 1;
    return ra[0] === rb[0] && ra[1] === rb[1] ? 0 : undefined;
  }
  if (!comparable(a, b)) return undefined;
  const x = a.value ?? 0;
  const y = b.value ?? 0;
  // 2900多万元 is at least 2900万元: estimates compare only when the order holds whatever 多 adds (< 10%).
  if (Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)))
    return approximate(a.text) || approximate(b.text) ? undefined : 0;
  const lo = Math.min(x, y);
  const loText = x < y ? a.text : b.text;
  if (approximate(loText) && Math.abs(x - y) < 0.1 * lo) return undefined;
  return x < y ? -1 : 1;
}

/** The relation symbol a compare entry writes (2900多万元 > 1532.37万元). */
export function compareText(a: Figure, b: Figure): string | undefined {
  const c = compareFigures(a, b);
  if (c === undefined) return undefined;
  return `${a.text} ${c < 0 ? "<" : c > 0 ? ">" : "="} ${b.text}`;
}

/** Recomputes a derived entry from its inputs; true when its text is that arithmetic. */
export function derivedHolds(d: Derived): boolean {
  const inputs = d.inputs.map(parseFigure);
  if (inputs.some((f) => f === undefined)) return false;
  const figs = inputs as Figure[];
  const expected =
    d.op === "sum"
      ? sum(figs)
      : d.op === "difference" && figs.length === 2
        ? difference(figs[0] as Figure, figs[1] as Figure)
        : d.op === "compare" && figs.length === 2
          ? compareText(figs[0] as Figure, figs[1] as Figure)
          : undefined;
  if (expected === undefined) return false;
  return (
    normalizeForMatch(expected).replace(/\s+/g, "") === normalizeForMatch(d.text).replace(/^约/, "").replace(/\s+/g, "")
  );
}

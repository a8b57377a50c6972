// Figures in Chinese text: a number with its unit (1.32亿元, 657名, 8.7万亩, 100万片), a percentage (35.43%),
// a date (2022年7月, 2022年6月27日) or a year. Shared by the tokenizer (a figure stays one token), the
// question analysis (what unit is asked) and the verifier (every figure of an answer stands in its quote).

/** Units that follow a number, longest first so that 万人次 wins over 万 and 人. */
export const UNITS = [
  "平方公里",
  "平方米",
  "万人次",
  "人次",
  "万千瓦",
  "千瓦时",
  "千瓦",
  "公里",
  "千米",
  "公斤",
  "千克",
  "立方米",
  "人份",
  "余人",
  "多人",
  "万人",
  "万户",
  "万亩",
  "万片",
  "万元",
  "亿元",
  "千元",
  "美元",
  "万吨",
  "万斤",
  "小时",
  "批次",
  "个月",
  "周年",
  "年度",
  "万",
  "亿",
  "元",
  "名",
  "人",
  "个",
  "项",
  "家",
  "所",
  "亩",
  "天",
  "岁",
  "斤",
  "吨",
  "米",
  "次",
  "批",
  "户",
  "村",
  "座",
  "套",
  "台",
  "张",
  "篇",
  "条",
  "件",
  "倍",
  "片",
  "床",
  "箱",
  "类",
  "期",
  "场",
  "支",
  "位",
  "种",
  "棵",
  "株",
  "头",
  "只",
  "辆",
  "架",
  "艘",
  "本",
  "册",
  "所",
  "间",
  "处",
  "届",
  "轮",
  "栋",
  "公顷",
  "级",
  "章",
  "门",
  "部",
  "首",
  "集",
  "分",
  "秒",
  "度",
  "克",
  "里",
  "年",
  "%",
  "‰",
  "管",
  "趟",
  "份",
  "块",
  "根",
  "盏",
  "顶",
  "枚",
  "剂",
  "瓶",
  "袋",
  "盒",
  "针",
  "幅",
  "场次",
  "回",
] as const;

const unitAlternation = [...new Set(UNITS)]
  .sort((a, b) => b.length - a.length)
  .map((u) => u.replace(/[%‰]/g, (m) => `\\${m}`))
  .join("|");

const NUMBER = String.raw`\d+(?:,\d{3})*(?:\.\d+)?`;
const DATE = String.raw`\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日`;
const AMOUNT = String.raw`${NUMBER}(?:多|余)?(?:万|亿|千|百)?(?:多|余)?(?:${unitAlternation})`;
// Order matters: a date is tried before an amount so 2022年7月 is one figure, not 2022年 + 7月.
const FIGURE_SOURCE = String.raw`(?:${DATE})|(?:${AMOUNT})|(?:${NUMBER})`;

export type FigureKind = "date" | "percent" | "amount" | "number";

export interface Figure {
  text: string;
  start: number;
  end: number;
  kind: FigureKind;
  /** The numeric value in base units (1.32亿元 → 132000000), when it has one. */
  value: number | undefined;
  /** The unit without the multiplier (亿元 → 元, 万人次 → 人次), "" for a bare number. */
  unit: string;
}

/** A fresh global regex each call: callers iterate with matchAll and never share lastIndex. */
export function figurePattern(): RegExp {
  return new RegExp(FIGURE_SOURCE, "g");
}

const MULTIPLIER: Record<string, number> = { 万: 1e4, 亿: 1e8, 千: 1e3, 百: 1e2 };

function parseAmount(text: string): { value: number | undefined; unit: string } {
  const m = /^(\d+(?:,\d{3})*(?:\.\d+)?)(?:多|余)?(万|亿|千|百)?(?:多|余)?(.*)$/.exec(text);
  if (!m) return { value: undefined, unit: "" };
  let value = Number((m[1] ?? "").replace(/,/g, ""));
  let unit = m[3] ?? "";
  let mult = m[2] ? (MULTIPLIER[m[2]] ?? 1) : 1;
  // 万元, 亿元, 万人次 … : the multiplier is part of the unit word.
  const lead = unit[0];
  if (lead && unit.length > 1 && lead in MULTIPLIER && !["千瓦", "千米", "千克", "千瓦时", "百分"].includes(unit)) {
    mult *= MULTIPLIER[lead] ?? 1;
    unit = unit.slice(1);
  } else if (unit === "万" || unit === "亿") {
    mult *= MULTIPLIER[unit] ?? 1;
    unit = "";
  }
  unit = unit.replace(/^(余|多)/, "");
  value *= mult;
  return { value: Number.isFinite(value) ? value : undefined, unit };
}

/** Every figure in the text, in order, with its kind, value and unit. */
export function extractFigures(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.matchAll(figurePattern())) {
    const raw = m[0];
    const start = m.index ?? 0;
    // A digit run glued to a preceding Latin letter or digit is part of a code (G318, 5G), not a figure.
    if (start > 0 && /[A-Za-z]/.test(text[start - 1] ?? "")) continue;
    if (/^\d{4}年/.test(raw) || /^\d{1,2}月\d{1,2}日$/.test(raw)) {
      out.push({ text: raw, start, end: start + raw.length, kind: "date", value: undefined, unit: "date" });
      continue;
    }
    const { value, unit } = parseAmount(raw);
    const kind: FigureKind =
      unit === "%" || unit === "‰" ? "percent" : unit === "" && !/[万亿]/.test(raw) ? "number" : "amount";
    out.push({ text: raw, start, end: start + raw.length, kind, value, unit });
  }
  return out;
}

/** Two figures state the same quantity: same unit and value (1.32亿元 = 13200万元), or the same text. */
export function sameFigure(a: Figure, b: Figure): boolean {
  if (a.text === b.text) return true;
  if (a.kind === "date" || b.kind === "date") return a.text === b.text;
  if (a.value === undefined || b.value === undefined) return false;
  return a.unit === b.unit && Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(a.value));
}

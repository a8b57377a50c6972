// Question analysis: what is asked (an amount, a date, a place, a person, a name), the unit expected, the
// question's entities and key terms, and its parts when it asks several things at once (多少个…投资多少).
// Traditional-character questions are analysed in simplified form.
import { extractEntities, type Entity } from "../text/entities.js";
import { UNITS } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { tokenize } from "../text/tokenize.js";

export type AskKind = "amount" | "date" | "place" | "person" | "thing" | "reason" | "yesno";

export interface QuestionPart {
  text: string;
  kind: AskKind;
  /** Units a right figure may carry (名, 人次, 元 …); empty when any will do. */
  units: string[];
  terms: string[];
}

export interface AnalyzedQuestion {
  original: string;
  normalized: string;
  entities: Entity[];
  terms: string[];
  parts: QuestionPart[];
}

const MONEY = ["元", "万元", "亿元"];

/** 多少名, 几个, 多少万亩 …: a unit named right after the question word. */
const ASKED_UNIT = new RegExp(
  String.raw`(?:多少|几|若干)(万|亿)?(${[...UNITS].filter((u) => !/^[万亿%‰]/.test(u)).sort((a, b) => b.length - a.length).join("|")})`,
  "g",
);

/** Units named right after 多少 / 几 (多少名, 几个, 多少亩) or implied by the verb (投资多少 → 元). */
function expectedUnits(part: string): string[] {
  const units = new Set<string>();
  for (const m of part.matchAll(ASKED_UNIT)) if (m[2]) units.add(m[2]);
  if (/钱|资金|投资|投入|金额|花了|花费|销售额|收入|税收|经费|拨付|援助资金|总额|规划总/.test(part) && units.size === 0) {
    for (const u of MONEY) units.add(u);
  }
  if (/百分之|比例|比率|率|增长了多少|提高了多少|占比/.test(part) && units.size === 0) units.add("%");
  if (/多少人|人数/.test(part) && units.size === 0) units.add("人").add("名");
  if (/面积/.test(part) && units.size === 0) units.add("亩").add("平方米");
  if (/产能|产量/.test(part) && units.size === 0) units.add("吨");
  if (/多少岁|寿命/.test(part)) units.add("岁");
  if (/多少天/.test(part)) units.add("天");
  if (/多长时间|多久/.test(part)) for (const u of ["天", "个月", "月", "年", "小时", "周", "分钟"]) units.add(u);
  return [...units];
}

function askKind(part: string): AskKind {
  if (/什么时候|什么时间|何时|哪一年|哪年|几月|哪天|日期|时间是|哪一天|何年|几时|哪个年代|什么年代/.test(part)) return "date";
  if (/多少|几|多大|多高|多长|多远|多重|多久|比例|百分之|率是/.test(part)) return "amount";
  if (/哪个县|哪个市|哪个省|哪里|哪儿|何地|哪些地|哪个地区|哪[一二三四五六七八九十几\d]*个(?:市|县|区|省|乡|镇|村)|哪[三两四五]个/.test(part)) return "place";
  if (/谁|哪位|什么人/.test(part)) return "person";
  if (/为什么|为何|原因/.test(part)) return "reason";
  if (/是否|有没有|是不是|吗[？?]?$/.test(part)) return "yesno";
  return "thing";
}

/** Splits 「…多少个？投资多少？」 and 「…多少个，投资多少」 into the parts that each ask something. */
function splitParts(question: string): string[] {
  const pieces = question.split(/[？?]/).map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const piece of pieces) {
    const clauses = piece.split(/[，,；;]/).map((c) => c.trim()).filter(Boolean);
    const asking = clauses.filter((c) => askKind(c) !== "thing" || /什么|哪/.test(c));
    if (asking.length > 1) {
      // Each asking clause keeps the shared context (the clauses before the first question word).
      const firstAsk = clauses.findIndex((c) => asking.includes(c));
      const context = clauses.slice(0, firstAsk).join("，");
      for (const c of asking) out.push(context && c === asking[0] ? `${context}，${c}` : c);
    } else out.push(piece);
  }
  return out.length ? out : [question];
}

export function analyzeQuestion(question: string): AnalyzedQuestion {
  const normalized = normalizeForMatch(question.trim());
  const parts = splitParts(normalized).map((text) => ({
    text,
    kind: askKind(text),
    units: expectedUnits(text),
    terms: tokenize(text),
  }));
  return { original: question, normalized, entities: extractEntities(normalized), terms: tokenize(normalized), parts };
}

// Step 1a, what a question asks: its kind (an amount, a date, a place, a person, a reason …), the type of span
// a right answer holds (a share, money, a count, a duration …), the place level (哪个县 → 县) and the units a
// right figure may carry (多少名 → 名; 投资多少 → 元, 万元, 亿元).
import { UNITS } from "../text/figures.js";
import { tagWords, tokenize } from "../text/tokenize.js";
import { countedHead, headOf, nounPhrase } from "./focus.js";
import type { AskKind, AskedType } from "./kinds.js";

export type { AskKind, AskedType };

export const MONEY = ["元", "万元", "亿元"];

/** 多少名, 几个, 多少万亩 …: a unit named right after the question word. */
const ASKED_UNIT = new RegExp(
  String.raw`(?:多少|几|若干)(万|亿)?(${[...UNITS]
    .filter((u) => !/^[万亿%‰]/.test(u))
    .sort((a, b) => b.length - a.length)
    .join("|")})`,
  "g",
);

/** Nouns that name people (村民, 患儿, 干部人才, 孩子): what they count is counted in 人, 名 or 位. */
export const PERSON_NOUN = /(?:人|民|者|员|生|童|儿|孩|孩子|娃|干部|人才|群众|专家|医生|老师|师|工|患)$/;
const PERSON_UNITS = ["人", "名", "余人", "多人", "万人", "人次", "位"];

/** Units named right after 多少 / 几 (多少名, 几个, 多少亩) or implied by the verb (投资多少 → 元). */
export function expectedUnits(part: string): string[] {
  const units = new Set<string>();
  for (const m of part.matchAll(ASKED_UNIT)) {
    const unit = m[2];
    if (!unit) continue;
    // 多少村民 asks for people, not villages: a unit character that starts a longer word is no unit.
    const word = tokenize(part.slice((m.index ?? 0) + m[0].length - unit.length))[0] ?? unit;
    if (word.length > unit.length && word.startsWith(unit)) continue;
    units.add(unit);
    // 多少个小时, 几个星期: 个 only counts the measure after it, which the documents write alone (18小时).
    const measure =
      unit === "个" ? /^(小时|钟头|星期|周)/.exec(part.slice((m.index ?? 0) + m[0].length))?.[1] : undefined;
    if (measure) units.add(measure);
  }
  // 多少个孩子, 几个斜视或弱视的孩子: 个 counts people in everyday speech, while documents count them in 名 or 人.
  if (units.size === 1 && units.has("个") && PERSON_NOUN.test(countedHead(part))) return [...PERSON_UNITS, "个"];
  // 多少村民: a noun right after the question word is what is counted, whatever else the clause says (挣上钱).
  const counted = /(?:多少|几)([\u4e00-\u9fff]{2,})/.exec(part)?.[1];
  const countedWord = counted ? tokenize(counted)[0] : undefined;
  // 多少援藏资金 counts money although its first word (援藏) does not say so: the whole noun phrase decides.
  const moneyPhrase = counted !== undefined && /钱|资金|经费|金额|投资|费用|款/.test(nounPhrase(counted));
  if (
    units.size === 0 &&
    !moneyPhrase &&
    countedWord &&
    countedWord.length >= 2 &&
    !/钱|资金|经费|金额|投资|费用|元|万|亿|倍|是|为|次|年|天|岁/.test(countedWord)
  ) {
    // The phrase's head decides (医务工作者: 医务 + 工作者), as does its first word (村民挣上钱).
    if (PERSON_NOUN.test(countedWord) || PERSON_NOUN.test(headOf(counted ?? ""))) return [...PERSON_UNITS, ""];
    return [];
  }
  // 率 is a share, except in 频率 (how often), 功率 (power) and 汇率 (a rate of exchange).
  if (/百分之|比例|比率|占比|(?:(?<![频功汇])率|比重)(?:是|为|达到|有)?多少/.test(part) && units.size === 0)
    units.add("%");
  if (
    /钱|资金|投资|投入|金额|花了|花费|销售额|收入|税收|经费|拨付|援助资金|总额|规划总/.test(part) &&
    units.size === 0
  ) {
    for (const u of MONEY) units.add(u);
  }
  if (/(?<![频功汇])率|增长了多少|提高了多少/.test(part) && units.size === 0) units.add("%");
  // 收入增长了多少: growth is told as an amount or as a share (增长60.82%); either answers.
  if (/(?:增长|提高|增加|上升|下降|减少)了?多少/.test(part) && units.size > 0 && !units.has("%")) units.add("%");
  if (/多少人|人数/.test(part) && units.size === 0) units.add("人").add("名");
  // Measures: an area, a length, a height or a weight in any of its usual units.
  if (/面积/.test(part) && units.size === 0) for (const u of ["亩", "万亩", "平方米", "平方公里", "公顷"]) units.add(u);
  if (/多长|长度|全长|多远|距离/.test(part) && !/多长时间/.test(part) && units.size === 0)
    for (const u of ["米", "公里", "千米"]) units.add(u);
  if (/多高|高度|海拔/.test(part) && units.size === 0) units.add("米");
  if (/多重|重量/.test(part) && units.size === 0) for (const u of ["公斤", "千克", "吨", "斤", "克"]) units.add(u);
  if (/产能|产量/.test(part) && units.size === 0) units.add("吨");
  if (/多少岁|寿命/.test(part)) units.add("岁");
  if (/多少天/.test(part)) units.add("天");
  if (/多长时间|多久/.test(part)) for (const u of ["天", "个月", "月", "年", "小时", "周", "分钟"]) units.add(u);
  return [...units];
}

/** Words before 几 that make it "a few", not "how many" (这几年, 前几天, 二十几所, 哪几个景区). */
const FEW_BEFORE = /^(?:这|那|前|后|头|近|最近|过去|哪|[\d十百千万]+)$/;

/**
 * Whether the question asks how many or how much: 多少; 几 as a word of its own (几个, 几轮, 几名, not 几内亚,
 * 几何, 几经, 几乎, 这几年, 20几所); 多大 … 多久 (not 科罗拉多大学); or a share (比例, 百分之, 率是) when no other
 * question word asks for something else (哪一种米的比例最多 asks for a kind, 频率是什么 for a value).
 */
function asksAmount(part: string): boolean {
  const words = tagWords(part);
  // Where each word starts, to find the word a character falls in.
  const starts: number[] = [];
  let at = 0;
  for (const w of words) {
    starts.push(at);
    at += w.word.length;
  }
  const wordAt = (index: number): { word: string; tag: string } | undefined => {
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? 0) > index) i--;
    return words[i];
  };
  const asks = words.some((w, i) => {
    const before = words[i - 1]?.word ?? "";
    if (/^多少/.test(w.word)) return true;
    return /^几/.test(w.word) && w.tag === "m" && !FEW_BEFORE.test(before) && !/\d$/.test(before);
  });
  // 多大, 多长 (jieba may glue them to the word before: 占比多大): not when 多 ends a name (科罗拉多|大学).
  const howMuch = [...part.matchAll(/多(?:大|高|长|远|重|久)/g)].some((m) => {
    const word = wordAt(m.index ?? 0);
    return !word || !(/^(?:nr|ns|nz)/.test(word.tag) || (word.word.length > 1 && word.word.endsWith("多")));
  });
  return asks || howMuch || (/比例|百分之|率是/.test(part) && !/什么|哪|谁|何/.test(part));
}

export function askKind(part: string): AskKind {
  if (/什么时候|什么时间|何时|哪一年|哪年|几月|哪天|日期|时间是|哪一天|何年|几时|哪个年代|什么年代/.test(part))
    return "date";
  // 西元几年, 公元多少年, 民国几年, 几几年: which year (几年 alone is how many years).
  if (/(?:西元|公元|民国|公历)前?(?:几|多少)年|几几年/.test(part)) return "date";
  if (asksAmount(part)) return "amount";
  if (
    /哪个县|哪个市|哪个省|哪里|哪儿|何地|何处|何方|哪些地|哪个地区|哪[一二三四五六七八九十几\d]*个(?:市|县|区|省|乡|镇|村)|哪[三两四五]个|哪一?[个座片条]?(?:城市|地方|国家?|州|岛|洲|海域|河|山)/.test(
      part,
    )
  )
    return "place";
  if (/谁|哪一?位|什么人|何人|哪一?个人/.test(part)) return "person";
  // 为什么 closing a question after a verb that takes 为 (被称为什么？ 改名为什么？ 成为什么名字？) asks what, not
  // why; followed by a clause (改名为什么最后改为…) it still asks why.
  if (
    /为(?:什么|何)(?!(?:名字|名称|称号)?呢?[?？]?$)|(?<![称成作认以变改名视列选译分定])为(?:什么|何)|原因/.test(part)
  ) {
    return "reason";
  }
  if (/是否|有没有|是不是|吗[？?]?$/.test(part)) return "yesno";
  return "thing";
}

/** The place level a question asks for: 哪个县 → 县, 哪个乡镇 → 镇; "" for 哪里. */
export function placeLevel(part: string): string {
  const m = /哪(?:[一二三四五六七八九十几\d]*)(?:个|座|些)?(团场|自治区|乡镇|省|市|县|区|镇|乡|村|州)/.exec(part);
  if (!m?.[1]) return "";
  return m[1] === "乡镇" ? "镇" : m[1];
}

export function askedType(part: string, kind: AskKind, units: string[]): AskedType {
  if (kind === "date") return "date";
  if (kind === "place") return "place";
  if (kind === "person") return "person";
  if (kind === "reason" || kind === "yesno") return kind;
  if (/哪家|哪个单位|哪些单位|什么单位|哪个部门|什么公司|哪个企业|哪所|哪个机构|什么机构|哪个医院/.test(part))
    return "org";
  if (/叫什么名字|负责人是|组长是|书记是|主任是|院长是|局长是|队长是/.test(part)) return "person";
  if (kind !== "amount") return "thing";
  if (units.includes("%") && units.some((u) => MONEY.includes(u))) return "count";
  if (units.includes("%")) return "percent";
  if (units.length > 0 && units.every((u) => MONEY.includes(u))) return "money";
  if (/多久|多长时间/.test(part)) return "duration";
  return "count";
}

// Answer spans by type: does a candidate hold a span of the type the question asks for (a share, an amount of
// money, a count with a fitting unit, a date, a duration, a person, a place at the asked level, an
// organisation) that the question itself does not contain? A sentence without one cannot be the answer.
import { relativeYears } from "../text/relative-years.js";
import { unitKind } from "../facts/arithmetic.js";
import { orgSuffixes } from "../text/data-file.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { tagWords } from "../text/tokenize.js";
import { MEASURE_WORDS } from "./lexicon.js";
import { notInQuestion, personSpans } from "./persons.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";

/** An amount written in Chinese numerals (六个, 两种, 三百多名; not the ordinal 第十批): answers 几/多少 too. */
const CHINESE_AMOUNT = new RegExp(`(?<!第)[一二两三四五六七八九十百千万]+[多余]?(${MEASURE_WORDS.join("|")})`, "g");

/** A share in words: 八成, 七成半, 百分之七十五, 四分之三. */
const SHARE_IN_WORDS =
  /[一二两三四五六七八九十]成半?|百分之[零一二两三四五六七八九十百点\d.]+|[二三四五六七八九十百千万]+分之[一二三四五六七八九十]+/;

/** An ordinal (第二代, 第6, 首款): what 第几 asks for. */
const ORDINAL = /第[一二两三四五六七八九十百千零\d]+|首[次批届个位款座家部]/g;

/** Whether a 第几 question's candidate states an ordinal the question does not. */
export function ordinalFits(norm: string, part: QuestionPart, q: AnalyzedQuestion): boolean {
  return /第几/.test(part.text) && [...norm.matchAll(ORDINAL)].some((m) => !q.normalized.includes(m[0]));
}

/**
 * A time written otherwise than 2022年7月 or 6月27日, as histories and encyclopedias do: 18世纪, 1970年代, 七十年代,
 * 嘉定十四年 (an era's year), 康熙年间, 庚申年, 宋代, 东汉, 中世纪, 侏罗纪, 春季, 下午, 当天, 元宵. Not 时代 or 之际 alone: 新时代 and
 * 周年之际 are no answer to 何时.
 */
const WORDED_TIME = new RegExp(
  [
    String.raw`\d{1,4}(?:年代|世纪|年间|年)`,
    String.raw`\d{1,2}月(?:份|初|底|[上中下]旬)?`,
    String.raw`[一二两三四五六七八九十百千零〇元]+(?:年代|世纪|年间|年|月|日|号)`,
    String.raw`(?:[东西南北]?[汉晋周宋魏齐梁陈]|夏|商|秦|隋|唐|元|明|清|辽|金)(?:朝|代|初|末|年间|时期|时代)`,
    String.raw`[东西南北][汉晋周宋魏]|三国|五代|战国|春秋|民国|晚清|清末|明末|中世纪|(?:侏罗|白垩|三叠|二叠|石炭|泥盆|志留|奥陶|寒武|第四)纪`,
    // A reign's years (康熙年间) and a year of the sixty-year cycle (庚申年).
    String.raw`[\u4e00-\u9fff]{2}年间|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年`,
    String.raw`[春夏秋冬](?:季|天|初|末)|[早晚][春夏秋冬]`,
    String.raw`凌晨|清晨|早上|上午|中午|下午|傍晚|黄昏|晚上|夜间|深夜|午夜|当天|当日|当晚|次日|翌日|同年|次年|翌年|前夕`,
    String.raw`初期|中期|末期|早期|晚期`,
    String.raw`春节|元宵|端午|中秋|重阳|清明|除夕|元旦|圣诞|七夕|农历|周末|星期[一二三四五六日天]|周[一二三四五六日]`,
  ].join("|"),
  "g",
);

/** A question that asks for a year (哪一年, 何年, 西元几年), not any time. */
const ASKS_YEAR = /哪一年|哪年|何年|几几年|(?:西元|公元|民国|公历)前?(?:几|多少)年|什么年份|哪个年份/;

/**
 * A year: 1956年, 955年, 承久3年, 二〇〇八年, 嘉定十四年, 元年, 庚申年 (同年, 次年 name none). Not a number of years:
 * 3年多, 十年来, 两年内, 一年半; 一年 and 两年 are always one (the first year of an era is 元年).
 */
const YEAR = new RegExp(
  [
    String.raw`\d{3,4}年`,
    String.raw`\d{1,2}年(?![多来半内间])`,
    String.raw`(?<![一二两三四五六七八九十百千零〇])(?![一两]年)[一二两三四五六七八九十百千零〇元]{1,4}年(?![多来半内间])`,
    String.raw`[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年`,
  ].join("|"),
  "g",
);

/** Words that name a year by one stated before them: 同年 (that year), 次年 (the next). */
export const RELATIVE_YEAR = /同年|当年|是年|该年|次年|翌年|隔年/;

/**
 * Where a sentence names its year only by one stated before it: the index of the relative word (同年 in
 * 同年香港演艺巨星张国荣和名填词人林振强也遗憾辞世) when no year of the sentence's own comes before it; -1 otherwise.
 */
export function relativeYearAt(norm: string): number {
  const m = RELATIVE_YEAR.exec(norm);
  if (!m) return -1;
  return [...norm.slice(0, m.index).matchAll(YEAR)].length > 0 ? -1 : m.index;
}

/** The index of the last year in a text that the question does not name, or -1. */
export function lastYearAt(norm: string, q: AnalyzedQuestion): number {
  const found = [...norm.matchAll(YEAR)].filter((m) => notInQuestion(m[0], q));
  return found.at(-1)?.index ?? -1;
}

/**
 * Whether a date question is answered by a sentence whose year is the previous sentence's: 林振强于何年过世 by
 * 同年…林振强也遗憾辞世 when the sentence before names a year the question does not.
 */
export function yearFromBefore(norm: string, prevNorm: string, part: QuestionPart, q: AnalyzedQuestion): boolean {
  return part.asked === "date" && relativeYearAt(norm) >= 0 && lastYearAt(prevNorm, q) >= 0;
}

/**
 * Whether a text names a time (a date figure or a worded time) that the question does not; a year when the
 * question asks for one (同年10月22日 and 初期 do not answer 哪一年).
 */
export function hasTime(norm: string, q: AnalyzedQuestion): boolean {
  if (ASKS_YEAR.test(q.normalized)) return [...norm.matchAll(YEAR)].some((m) => notInQuestion(m[0], q));
  if (extractFigures(norm).some((f) => f.kind === "date" && notInQuestion(f.text, q))) return true;
  return [...norm.matchAll(WORDED_TIME)].some((m) => notInQuestion(m[0], q));
}

const TIME_UNITS = new Set(["天", "个月", "月", "年", "小时", "周", "分钟", "日"]);

/** How often, asked (多久一次, 多长时间召开一次 …): 每年, 每两个月, 每隔三天 answer it, with or without a figure. */
const ASKS_FREQUENCY = /(?:多久|多长时间|多少时间|几年|几个月|几天)[^，,。？?]{0,6}一次/;
const EVERY_PERIOD = /每(?:隔)?[一两二三四五六七八九十半\d]*个?(?:年|月|周|星期|天|日|季度|小时)/;

/** A frequency asked and a sentence that states one (每年举行一次 for 多久一次). */
export function frequencyFits(norm: string, part: QuestionPart): boolean {
  return ASKS_FREQUENCY.test(part.text) && EVERY_PERIOD.test(norm);
}

/**
 * A Chinese-numeral amount without a classifier, written to a ten, hundred, thousand or more (三千, 四十万大军,
 * 赔款四百万): the words' 150万. It opens with a digit or 十, so 千万 (by all means) and 万一 (in case) are not amounts.
 */
const CHINESE_ROUND =
  /(?<![第一二两三四五六七八九十百千万亿零〇])[一二两三四五六七八九十][一二两三四五六七八九十百千万亿零〇]*[十百千万亿]/;

/** Money written in Chinese numerals (两亿元, 三千万元, 五百元). */
const CHINESE_MONEY = new RegExp(`${CHINESE_ROUND.source}元`);

export function chineseAmountFits(norm: string, part: QuestionPart): boolean {
  // "" among the units admits figures that lack a unit (150万, 三千); a Chinese-numeral amount with a classifier
  // must have one asked for (六个 does not answer 多少名).
  const anyUnit = part.units.length === 0;
  if (part.units.includes("%") && SHARE_IN_WORDS.test(norm)) return true;
  if (part.units.some((u) => unitKind(u) === "元") && CHINESE_MONEY.test(norm)) return true;
  if ((anyUnit || part.units.includes("")) && CHINESE_ROUND.test(norm)) return true;
  return [...norm.matchAll(CHINESE_AMOUNT)].some(
    (m) => anyUnit || part.units.some((u) => u !== "" && unitKind(u) === unitKind(m[1] ?? "")),
  );
}

/** Quotation marks that open and close a label: 「1451」工作思路, “3+2”模式. */
const OPEN_QUOTE = /[“「『"‘《]/;
const CLOSE_QUOTE = /[”」』"’》]/;

/**
 * A figure that is the whole of a quotation names a thing (「1451」工作思路, “十四五”规划, 《2035》) rather than
 * counting one: no answer to 多少.
 */
export function isLabel(norm: string, fig: Figure): boolean {
  return OPEN_QUOTE.test(norm[fig.start - 1] ?? "") && CLOSE_QUOTE.test(norm[fig.end] ?? "");
}

/** The figures of a text that count or measure something: not a label in quotation marks (isLabel). */
export function amountFigures(norm: string): Figure[] {
  return extractFigures(norm).filter((f) => !isLabel(norm, f));
}

/** Measure words that do not count things (time, age, multiples): 几个 never stands for them. */
const NOT_A_COUNT = /^(?:分|年|天|岁|倍|月|日|周|小时|分钟|秒)$/;

/**
 * 个 is the everyday classifier of anything (派了多少个专业骨干, 整了几个项目): a figure in another classifier
 * answers it when the thing counted follows it (30名专业骨干, 23项民生项目); the document chose the classifier.
 */
export function countsCounted(norm: string, fig: Figure, part: QuestionPart): boolean {
  const counted = part.counted;
  if (!counted || !part.units.includes("个") || fig.kind === "percent") return false;
  if (!MEASURE_WORDS.includes(fig.unit) || NOT_A_COUNT.test(fig.unit)) return false;
  return norm.slice(fig.end, fig.end + counted.length + 4).includes(counted.slice(-2));
}

/** Whether a figure is of the kind and unit the part asks for. */
export function figureFits(fig: Figure, part: QuestionPart): boolean {
  if (part.kind === "date") return fig.kind === "date";
  if (part.kind !== "amount") return true;
  if (fig.kind === "date") return part.units.includes("年") || part.units.includes("月");
  if (part.units.length === 0) return fig.kind === "amount" || fig.kind === "percent" || fig.kind === "number";
  // "" among the units: a figure without a unit of its own (150万, 1953) may answer too.
  if (part.units.includes("") && fig.unit === "" && fig.kind !== "percent") return true;
  // People are counted in 人, 名 and 位 alike (多少人 is answered by 66名), events in 次, 场 and 趟.
  return part.units.some(
    (u) =>
      u !== "" &&
      (fig.text.endsWith(u) ||
        fig.unit === u ||
        (u === "%" && fig.kind === "percent") ||
        unitKind(u) === unitKind(fig.unit)),
  );
}

const PLACE_WORD = /[\u4e00-\u9fff]{1,8}?(?:自治区|团场|省|市|县|区|州|镇|乡|村|地区|师)/g;

/** 该市, 全县, 本区, 各乡: a place pointed at, not named; it answers no 哪个县. */
const POINTER_PLACE = /[该本全此各每其这那][省市县区州镇乡村]$/;

/** Places named in a text that the question does not name itself (the answer to 哪个县), at a level if given. */
export function newPlaces(norm: string, q: AnalyzedQuestion, level = ""): string[] {
  return [...norm.matchAll(PLACE_WORD)]
    .map((m) => m[0])
    .filter(
      (p) => p.length >= 2 && !POINTER_PLACE.test(p) && !q.normalized.includes(p) && (!level || p.endsWith(level)),
    );
}

/** An organisation named in an answer: a name of 2 to 16 characters and an ending (org-suffixes.txt, "span"). */
const ORG = new RegExp(`[\\u4e00-\\u9fffA-Za-z]{2,16}?(?:${orgSuffixes("span").join("|")})`, "g");

/** Words jieba tags as place names (ns), two characters or more. */
function taggedPlaces(norm: string): string[] {
  return tagWords(norm).flatMap((w) => (w.tag === "ns" && w.word.length >= 2 ? [w.word] : []));
}

/**
 * Whether a normalised candidate holds a span of the asked type not found in the question. For the figure
 * types and places this is reliable and decides; person and organisation spans are found by patterns that
 * miss many names, so for them it is a feature of the score, not a gate (see `typeGate`).
 */
export function hasAnswerSpan(norm: string, part: QuestionPart, q: AnalyzedQuestion): boolean {
  const figures = (): Figure[] => amountFigures(norm).filter((f) => notInQuestion(f.text, q));
  switch (part.asked) {
    case "percent":
      return figures().some((f) => f.kind === "percent") || SHARE_IN_WORDS.test(norm);
    case "money":
      return figures().some((f) => f.unit === "元" || figureFits(f, part)) || chineseAmountFits(norm, part);
    case "count":
      if (ordinalFits(norm, part, q)) return true;
      return (
        figures().some((f) => figureFits(f, part) || countsCounted(norm, f, part)) || chineseAmountFits(norm, part)
      );
    case "duration":
      return (
        figures().some((f) => TIME_UNITS.has(f.unit) || figureFits(f, part)) ||
        chineseAmountFits(norm, part) ||
        frequencyFits(norm, part)
      );
    case "date":
      return hasTime(norm, q);
    case "place":
      // At no level (哪里, 哪个城市, 哪一个地方) a place is often named without an administrative suffix (雅典,
      // 关岛, 南美洲): jieba's place tag counts too.
      return (
        newPlaces(norm, q, part.level).length > 0 ||
        (part.level === "" && taggedPlaces(norm).some((p) => notInQuestion(p, q)))
      );
    case "org":
      return [...norm.matchAll(ORG)].some((m) => notInQuestion(m[0], q));
    case "person":
      return personSpans(norm).some((p) => notInQuestion(p, q));
    default:
      return true;
  }
}

/** A date question answered by a relative year (去年, 今年) of a report whose date names it (relative-years.ts). */
export function relativeYearFits(text: string, date: string | undefined, part: QuestionPart): boolean {
  return part.kind === "date" && relativeYears(text, date).length > 0;
}

/** Types whose span check is a gate (a candidate without the span is dropped); the others are a feature. */
export function typeGate(part: QuestionPart): boolean {
  return (
    ["percent", "money", "count", "duration", "date"].includes(part.asked) ||
    (part.asked === "place" && part.level !== "")
  );
}

// Answer spans by type: does a candidate hold a span of the type the question asks for (a share, an amount of
// money, a count with a fitting unit, a date, a duration, a person, a place at the asked level, an
// organisation) that the question itself does not contain? A sentence without one cannot be the answer.
import { unitKind } from "../facts/arithmetic.js";
import { extractFigures, type Figure } from "../text/figures.js";
import { mentionsTerm } from "../text/synonyms.js";
import { tagWords, tokenize } from "../text/tokenize.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";

/** An amount written in Chinese numerals (六个, 两种, 三百多名; not the ordinal 第十批): answers 几/多少 too. */
const CHINESE_AMOUNT =
  /(?<!第)[一二两三四五六七八九十百千万]+[多余]?(个|种|名|人|位|张|次|座|条|项|家|所|分|年|天|岁|倍|层|部|本|届|场|支|间|处|类|篇|轮|辑|册|首|集|章|艘|架|辆|头|只|棵|株|块|级|节|期|批|套|台|件|门|栋|户|趟|回)/g;

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
const YEAR =
  /\d{3,4}年|\d{1,2}年(?![多来半内间])|(?<![一二两三四五六七八九十百千零〇])(?![一两]年)[一二两三四五六七八九十百千零〇元]{1,4}年(?![多来半内间])|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年/g;

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

/**
 * A Chinese-numeral amount without a classifier, written to a ten, hundred, thousand or more (三千, 四十万大军,
 * 赔款四百万): the words' 150万. It opens with a digit or 十, so 千万 (by all means) and 万一 (in case) are not amounts.
 */
const CHINESE_ROUND =
  /(?<![第一二两三四五六七八九十百千万亿零〇])[一二两三四五六七八九十][一二两三四五六七八九十百千万亿零〇]*[十百千万亿]/;

export function chineseAmountFits(norm: string, part: QuestionPart): boolean {
  // "" among the units admits figures that lack a unit (150万, 三千); a Chinese-numeral amount with a classifier
  // must have one asked for (六个 does not answer 多少名).
  const anyUnit = part.units.length === 0;
  if (part.units.includes("%") && SHARE_IN_WORDS.test(norm)) return true;
  if ((anyUnit || part.units.includes("")) && CHINESE_ROUND.test(norm)) return true;
  return [...norm.matchAll(CHINESE_AMOUNT)].some(
    (m) => anyUnit || part.units.some((u) => u !== "" && unitKind(u) === unitKind(m[1] ?? "")),
  );
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

const ORG =
  /[\u4e00-\u9fffA-Za-z]{2,16}?(?:集团|公司|医院|大学|学院|中学|小学|委员会|办公室|研究院|研究所|协会|基金会|银行|中心|局|厅|部|馆|站)/g;
/** Posts that both stand before a name (组长李明) and are asked about (组长是谁): one list for PERSON and ROLE. */
const POSTS = [
  "组长",
  "队长",
  "书记",
  "主任",
  "院长",
  "局长",
  "县长",
  "市长",
  "部长",
  "厂长",
  "校长",
  "主席",
  "总经理",
  "经理",
  "董事长",
  "领队",
  "团长",
  "站长",
  "所长",
  "处长",
  "科长",
  "会长",
];
/** Titles that stand before a name but are no post a question asks about by name. */
const TITLES = ["医生", "专家", "教授", "同志", "老师", "工程师", "负责人"];
/** Posts asked about that this reader does not look for before a name. */
const ASKED_POSTS = [
  "省长",
  "总指挥",
  "指挥长",
  "馆长",
  "秘书长",
  "理事长",
  "主编",
  "总监",
  "教练",
  "司令",
  "总裁",
  "首相",
  "总统",
  "总理",
];

const PERSON = new RegExp(
  String.raw`(?:[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff·]{1,12})|(?:(?:${[...POSTS, ...TITLES].join("|")})(?![和与及等的在们为是了对将把被从向都也就])[\u4e00-\u9fff]{2,3})|(?:[\u4e00-\u9fff]{2,3}(?=同志|说|表示|介绍|告诉))`,
  "g",
);

function notInQuestion(text: string, q: AnalyzedQuestion): boolean {
  return !q.normalized.includes(text);
}

/** jieba's tags for people's names (nrt, transliterations, also tags Tibetan place names such as 林芝). */
const PERSON_TAGS = new Set(["nr", "nrfg"]);

/** People named in a text: role + name and 某某说 patterns, transliterated names with ·, and jieba's name tags. */
export function personSpans(norm: string): string[] {
  const found = [...norm.matchAll(PERSON)].map((m) => m[0]);
  for (const { word, tag } of tagWords(norm)) if (PERSON_TAGS.has(tag) && word.length >= 2) found.push(word);
  return found;
}

/** Words jieba tags as place names (ns), two characters or more. */
function taggedPlaces(norm: string): string[] {
  return tagWords(norm).flatMap((w) => (w.tag === "ns" && w.word.length >= 2 ? [w.word] : []));
}

/** jieba's tags for proper names of any kind (people, transliterations, other proper nouns, Latin words). */
const NAME_TAGS = new Set(["nr", "nrfg", "nrt", "nz", "eng"]);

/** A question that asks for a name in so many words (专家叫什么名字, 他的姓名, 名叫什么). */
const NAME_ASKED = /叫什么名字|什么名字|名字是什么|叫什么|姓名|名叫/;

/** Nouns for people, by their last characters (专家, 总工程师, 队员, 作者, 医生, 院长, 主任, 他). */
const PERSON_NOUN =
  /(?:人|者|员|家|师|长|官|手|士|工|夫|妻|妇|母|父|亲|儿子|女儿|哥|姐|弟|妹|帝|王|后|相|将|帅|友|匠|生|主任|书记|经理|主席|领导|导演|教练|他|她)$/;

/**
 * Whether a part asks for a person's name in so many words: 叫什么名字 after a noun for people (援藏专家叫什么名字,
 * 总工程师叫什么名字), not after a work, a school or a fish (作品叫什么名字, 初级中学叫什么名字).
 */
export function asksPersonName(text: string): boolean {
  const m = NAME_ASKED.exec(text);
  if (!m) return false;
  return PERSON_NOUN.test(text.slice(0, m.index).replace(/[的是\s\p{P}]+$/u, ""));
}

/**
 * Whether a text names someone or something the question does not: a person span (personSpans) or any word
 * jieba tags as a proper name. A question that asks for a name is not answered by a text without one, however
 * close its words (在…帮曲珍接生的专家叫什么名字 → …曲珍最终成功诞下一名男婴 names only 曲珍, whom the question
 * names already).
 */
export function namesSomething(norm: string, q: AnalyzedQuestion): boolean {
  if (personSpans(norm).some((p) => notInQuestion(p, q))) return true;
  return tagWords(norm).some((w) => NAME_TAGS.has(w.tag) && w.word.length >= 2 && notInQuestion(w.word, q));
}

/**
 * Whether a normalised candidate holds a span of the asked type not found in the question. For the figure
 * types and places this is reliable and decides; person and organisation spans are found by patterns that
 * miss many names, so for them it is a feature of the score, not a gate (see `typeGate`).
 */
export function hasAnswerSpan(norm: string, part: QuestionPart, q: AnalyzedQuestion): boolean {
  const figures = (): Figure[] => extractFigures(norm).filter((f) => notInQuestion(f.text, q));
  switch (part.asked) {
    case "percent":
      return figures().some((f) => f.kind === "percent") || SHARE_IN_WORDS.test(norm);
    case "money":
      return figures().some((f) => f.unit === "元" || figureFits(f, part));
    case "count":
      if (ordinalFits(norm, part, q)) return true;
      return figures().some((f) => figureFits(f, part)) || chineseAmountFits(norm, part);
    case "duration":
      return figures().some((f) => TIME_UNITS.has(f.unit) || figureFits(f, part)) || chineseAmountFits(norm, part);
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

/** Types whose span check is a gate (a candidate without the span is dropped); the others are a feature. */
export function typeGate(part: QuestionPart): boolean {
  return (
    ["percent", "money", "count", "duration", "date"].includes(part.asked) ||
    (part.asked === "place" && part.level !== "")
  );
}

/** A sentence that refers back to something named before it (该项目, 这座桥, 其总投资, 它). */
const REFERS_BACK =
  /^(?:他|她|它|(?:这|该|此|本)(?!外|后|时|前)\p{Script=Han}|其(?!中|后|他|它|余|实|次)\p{Script=Han})/u;

/**
 * The words that name the asked item: the item's own (玉麦乡史馆 → 玉麦, 史馆) and those of the noun phrase joined
 * to it by 的 (西藏首座青稞博物馆的援藏项目 → 青稞博物馆 as well as 援藏, 项目). Place names are left out: the
 * passage gate already requires them, and a document about 日喀则 rarely repeats it in the sentence that gives
 * the figure (山东水发集团在日喀则投资多少建设光伏+储能示范项目 → 集团投资4.5亿元，建成…光伏+储能示范项目).
 */
export function itemWords(part: QuestionPart, q?: AnalyzedQuestion): string[] {
  if (!part.item || part.kind !== "amount") return [];
  const words = tagWords(part.item);
  const before = part.text.slice(0, Math.max(0, part.text.indexOf(part.item)));
  if (before.endsWith("的")) {
    const modifier = tagWords(before.slice(0, -1));
    let start = modifier.length;
    while (
      start > 0 &&
      /^(?:n|j|x)/.test(modifier[start - 1]?.tag ?? "") &&
      /^\p{Script=Han}+$/u.test(modifier[start - 1]?.word ?? "")
    )
      start--;
    words.unshift(...modifier.slice(start));
  }
  const all = words
    .filter((w) => !w.tag.startsWith("ns"))
    .flatMap((w) => tokenize(w.word))
    .filter((t) => t.length >= 2);
  // Not a place the question names (昂仁县 in 昂仁县中学多媒体教学楼: the passage gate requires it, and the
  // document names it everywhere), unless nothing else names the item.
  const places = (q?.entities ?? []).filter((e) => e.kind === "place").flatMap((e) => e.variants);
  const naming = all.filter((t) => !places.some((p) => p.includes(t)));
  return naming.length > 0 ? naming : all;
}

/**
 * The figure asked of a named thing must be said of that thing: 「湖南援建的玉麦乡史馆花了多少钱」 is not answered
 * by the sentence after the one that names 玉麦乡史馆 (累计落实援藏资金206.31亿元 is the whole programme's). A
 * candidate qualifies when its sentence or its document's title and heading hold a word of the item
 * (`itemWords`: 史馆), or when the sentence opens by referring back (该项目总投资…), whose antecedent the sentence
 * before names. `words` are the part's `itemWords` (none: no gate); `context` is what else may name the item
 * (answer.ts: the normalised title and heading, and the sentence before when this one has no subject of its
 * own or follows a semicolon), and may be a function, called only when the sentence lacks the item. `literal`
 * words count only as written, not by their synonyms (`attributeWords`).
 */
export function itemAgrees(
  norm: string,
  context: string | (() => string),
  words: readonly string[],
  literal: ReadonlySet<string> = new Set(),
): boolean {
  if (words.length === 0 || REFERS_BACK.test(norm)) return true;
  const says = (text: string, w: string): boolean => (literal.has(w) ? text.includes(w) : mentionsTerm(text, w));
  if (words.some((w) => says(norm, w))) return true;
  const around = typeof context === "string" ? context : context();
  return words.some((w) => says(around, w));
}

/**
 * The item's words that name the asked attribute (建筑面积 in 昂仁县中学多媒体教学楼建筑面积是多少): they count for
 * the item only in their own words, for their synonyms include the figure's unit (面积 ↔ 平方米), which every
 * figure of the asked kind has (新建2600平方米的县农牧民综合服务中心 is another building's area).
 */
export function attributeWords(words: readonly string[], part: QuestionPart): Set<string> {
  return new Set(words.filter((t) => part.focus.some((f) => f.includes(t) || t.includes(f))));
}

/**
 * Whether a sentence names the asked item only as one of a list whose figure is the whole list's
 * (湖南投入资金1200万元，新建了玉麦乡史馆、文化广场、消防车库等设施 does not say what 玉麦乡史馆 cost): the item
 * stands in an enumeration of three or more (or one closed by 等) and no figure of the asked kind stands in its
 * own entry.
 */
export function onlyInListTotal(norm: string, part: QuestionPart): boolean {
  if (!part.item || part.kind !== "amount") return false;
  const at = norm.indexOf(part.item);
  if (at < 0) return false;
  const bounds = /[，,。；;：:！？!?]/g;
  let start = 0;
  let end = norm.length;
  for (const m of norm.matchAll(bounds)) {
    const i = m.index ?? 0;
    if (i < at) start = i + 1;
    else if (i >= at + part.item.length) {
      end = i;
      break;
    }
  }
  const clause = norm.slice(start, end);
  const entries = clause.split("、");
  const closedByDeng = /等/.test(entries.at(-1) ?? "");
  if (entries.length < 3 && !(entries.length >= 2 && closedByDeng)) return false;
  let offset = start;
  for (const entry of entries) {
    if (at >= offset && at < offset + entry.length + 1) {
      // The item is the entry (新建了玉麦乡史馆; 消防车库等设施), not a word qualifying it (昂仁县基层党员干部).
      const member = entry.replace(/等.*$/, "").endsWith(part.item);
      return member && !extractFigures(entry).some((f) => figureFits(f, part));
    }
    offset += entry.length + 1;
  }
  return false;
}

/** Roles a person question asks about (组长是谁, 副主任是谁). */
const ROLE = new RegExp(`(?:${[...POSTS, ...ASKED_POSTS].join("|")})$`);

/**
 * Whether a sentence names the role a person question asks about: 组长是谁 needs 组长 in the sentence, 副主任是谁
 * needs 副主任, and 主任是谁 is not answered by 副主任 alone. Questions about no particular role agree with any.
 */
export function roleAgrees(norm: string, part: QuestionPart): boolean {
  if (part.asked !== "person") return true;
  const found = part.focus.find((f) => ROLE.test(f));
  if (!found) return true;
  // jieba may cut 副主任 into 副 + 主任: the question's own text says which is asked.
  const role = !found.startsWith("副") && part.text.includes(`副${found}`) ? `副${found}` : found;
  if (role.startsWith("副")) return norm.includes(role);
  for (let at = norm.indexOf(role); at >= 0; at = norm.indexOf(role, at + 1)) if (norm[at - 1] !== "副") return true;
  return false;
}

/**
 * Whether a sentence (with its document's title) names what a count counts (多少名女性 needs 女性; 多少名教育人才
 * needs 教育人才, 人才 or a synonym): a figure of people that says nothing about women does not answer. Any
 * two-character piece of the counted phrase will do (先心病患儿 → 患儿), since documents qualify it otherwise.
 */
export function countedAgrees(seen: string, part: QuestionPart): boolean {
  const counted = part.counted;
  if (!counted || part.kind !== "amount") return true;
  if (mentionsTerm(seen, counted)) return true;
  for (let i = 0; i + 2 <= counted.length; i++) if (seen.includes(counted.slice(i, i + 2))) return true;
  return false;
}

// Question analysis: what is asked (an amount, a date, a place, a person, a name), the unit expected, the
// question's entities and key terms, and its parts when it asks several things at once (多少个…投资多少).
// Traditional-character questions are analysed in simplified form.
import { extractEntities, type Entity } from "../text/entities.js";
import { UNITS } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { tagWords, tokenize } from "../text/tokenize.js";

export type AskKind = "amount" | "date" | "place" | "person" | "thing" | "reason" | "yesno";

/**
 * The type of span a right answer must hold: a share (百分之多少 → %), money (花了多少 → 元), a count with a
 * fitting unit, a date or year, a duration, a person, a place (at a level: 哪个县 → 县), an organisation, or
 * anything (thing, reason, yes/no).
 */
export type AskedType =
  "percent" | "money" | "count" | "date" | "duration" | "person" | "place" | "org" | "thing" | "reason" | "yesno";

export interface QuestionPart {
  text: string;
  kind: AskKind;
  asked: AskedType;
  /** For a place question, the level asked (县, 市, 镇 …); "" when any place will do. */
  level: string;
  /** Units a right figure may carry (名, 人次, 元 …); empty when any will do. */
  units: string[];
  terms: string[];
  /**
   * What the answer must be about: the counted thing (多少名**女性干部**), the measured attribute (草湖项目区的**面积**),
   * the role (**副主任**是谁). A candidate that does not mention it (or a synonym) does not answer the part.
   */
  focus: string[];
  /**
   * The counted thing itself for a count (多少名**教育人才**到林芝帮扶 → 教育人才): the noun phrase right after the
   * question word and its unit; "" when the question counts nothing named.
   */
  counted: string;
  /**
   * The thing an amount is asked of, named before the verb (湖南援建的**玉麦乡史馆**花了多少钱): its own figure
   * answers, a list's total that names it among others does not; "" when the question names none.
   */
  item: string;
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
  String.raw`(?:多少|几|若干)(万|亿)?(${[...UNITS]
    .filter((u) => !/^[万亿%‰]/.test(u))
    .sort((a, b) => b.length - a.length)
    .join("|")})`,
  "g",
);

/** The noun phrase a text starts with: its first word and the nouns right after it (援藏 + 资金; 村民, not 挣钱). */
function nounPhrase(text: string): string {
  const words = tagWords(text);
  let phrase = words[0]?.word ?? "";
  for (const w of words.slice(1, 3)) {
    if (!(w.tag.startsWith("n") || w.tag === "j" || w.tag === "vn") || !/^\p{Script=Han}+$/u.test(w.word)) break;
    phrase += w.word;
  }
  return phrase;
}

/** Nouns that name people (村民, 患儿, 干部人才, 孩子): what they count is counted in 人, 名 or 位. */
const PERSON_NOUN = /(?:人|民|者|员|生|童|儿|孩|孩子|娃|干部|人才|群众|专家|医生|老师|师|工|患)$/;
const PERSON_UNITS = ["人", "名", "余人", "多人", "万人", "人次", "位"];

/**
 * The noun phrase at a text's start, through its head (its last noun): 斜视或弱视的孩子 → 孩子; 医务工作者在… →
 * 医务工作者; 招引投资的工作站 → 工作站 (a verb before the first noun is kept in the phrase).
 */
function leadingNounPhrase(text: string): { phrase: string; head: string } {
  let read = "";
  let phrase = "";
  let head = "";
  for (const { word, tag } of tagWords(text.split(/[，,。？?；;！!]/)[0] ?? "")) {
    read += word;
    if (/^(?:n|x|j|nz|vn)/.test(tag) && /^\p{Script=Han}+$/u.test(word)) {
      head = word;
      phrase = read;
    }
    // 或, 和, 的 join the phrase (斜视或弱视的孩子); anything else ends it (医务工作者在…, 孩子得到…).
    else if (head && !/^(?:c|uj)$/.test(tag)) break;
  }
  return { phrase, head };
}

function headOf(text: string): string {
  return leadingNounPhrase(text).head;
}

/**
 * The head noun of what a 多少个 / 几个 question counts: the last noun before the first verb that follows one
 * (多少个斜视或弱视的孩子 → 孩子; 几个孩子得到救治 → 孩子); "" when no noun follows the question word.
 */
function countedHead(part: string): string {
  const ask = /(?:多少|几)个/.exec(part);
  if (!ask) return "";
  return headOf(part.slice(ask.index + ask[0].length));
}

/** Units named right after 多少 / 几 (多少名, 几个, 多少亩) or implied by the verb (投资多少 → 元). */
function expectedUnits(part: string): string[] {
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

function askKind(part: string): AskKind {
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
function placeLevel(part: string): string {
  const m = /哪(?:[一二三四五六七八九十几\d]*)(?:个|座|些)?(团场|自治区|乡镇|省|市|县|区|镇|乡|村|州)/.exec(part);
  if (!m?.[1]) return "";
  return m[1] === "乡镇" ? "镇" : m[1];
}

function askedType(part: string, kind: AskKind, units: string[]): AskedType {
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

const QUESTION_WORD = /(?:多少|几|若干)(?:万|亿)?/;
const TRAILING = /[了呢啊呀吗吧的]+$/;

/**
 * Words that name the kind of amount asked (比例 for a share, 金额, 人数, 数量), not the thing it is of: the focus of
 * 投资完成比例是多少 is 完成, which a sentence says as 完成率.
 */
const AMOUNT_KIND_WORD = /^(?:比例|比率|占比|百分比|比重|金额|数额|数量|人数|数目|总数|总量)$/;

/** Nouns after 什么/哪个 that name the kind of answer, not a thing asked about (叫什么名字, 什么时候, 什么原因). */
const GENERIC_HEAD =
  /^(?:时候|时间|地方|样子|意思|名字|姓名|名称|东西|内容|方式|方法|原因|情况|称呼|定义|含义|涵义|意义)$/;

/**
 * A question that asks what something is or means (单星的定义是什么, 喇嘛的意思是什么, 「钦察」一词有何涵义, 所代表的
 * 意义为): the word for the meaning names the kind of answer, as 名字 does, and the sentence that answers it rarely
 * has it (单星是不和任何其他同类星体组成聚星系统的单一天体). It is no term, and the focus is the thing defined.
 */
const DEFINITION_ASKED =
  /(?:定义|含义|涵义|意思|意义)(?:是什么|为何|是指什么|指的是什么|是|为|指)?[？?。]?$|有何(?:含义|涵义|意义)|是什么意思|指的是什么|是指什么/;
const DEFINITION_WORD = /^(?:定义|含义|涵义|意思|意义|指的是|是指|指)$/;

/** Tags of the words a noun phrase is made of: nouns, names, adjectives, numerals, measure words, 的. */
const NOUN_PHRASE_TAG = /^(?:n|a|b|j|x|l|m|q|f|s|vn|uj)/;

/** Tags of a last word before the question word that is no focus: adverbs, pronouns, particles, numerals … */
const NOT_A_FOCUS_TAG = /^(?:d|c|r|p|t|u|m|q|y|e|o)/;
/** Modal verbs (a closed class): what may or must be, not what is asked about. */
const MODAL_VERB = /^(?:可能|应该|应当|能够?|可以|会|要|需要|必须|得以|愿意)$/;

/**
 * The focus of a part: the thing counted after 多少名 / 几个 (the noun before the next verb or the end), or, when
 * the question word ends the clause (…的面积是多少, …组长是谁), the one or two words before it.
 */
function focusTerms(part: string, units: string[], kind: AskKind): string[] {
  const ask = QUESTION_WORD.exec(part);
  if (ask) {
    let after = part.slice(ask.index + ask[0].length);
    const unit = units.filter((u) => u && after.startsWith(u)).sort((a, b) => b.length - a.length)[0];
    if (unit) after = after.slice(unit.length);
    let noun = after.split(/[，,。？?；;！!、]/)[0]?.replace(TRAILING, "") ?? "";
    // A long rest of the question (多少医务工作者在对口受援地区从事医疗援助) is cut to the noun phrase it opens with.
    if (noun.length > 12) noun = leadingNounPhrase(noun).phrase;
    const terms = tokenize(noun).filter((t) => !/^(钱|资金|人|个|名|次)$/.test(t));
    if (terms.length > 0 && noun.length <= 12) return terms;
  }
  // 什么格局, 哪个景区, 什么荣誉称号: the noun after the question word is what is asked about.
  // The head is the last word after the question word (哪个西藏自治区级的荣誉称号 → 荣誉称号), whatever tag jieba gives it
  // out of context (位置 as a verb).
  const tagged = kind === "thing" || kind === "person" ? tagWords(part) : [];
  let asking = -1;
  tagged.forEach((w, i) => {
    if (/^(?:什么|哪.{0,3}|何种)$/.test(w.word)) asking = i;
  });
  // The noun phrase runs up to the first word that is not a noun, adjective, measure word or 的 (哪一法律有关 →
  // 法律, not 有关); a numeral or measure word (哪一种 cut 哪 + 一种) is no head.
  const phrase: { word: string; tag: string }[] = [];
  for (const w of asking >= 0 ? tagged.slice(asking + 1) : []) {
    if (!NOUN_PHRASE_TAG.test(w.tag)) break;
    phrase.push(w);
  }
  const isHead = (w: { word: string; tag: string }): boolean =>
    /^\p{Script=Han}{2,}$/u.test(w.word) && !/^(?:m|q|a|vn|uj)/.test(w.tag) && !GENERIC_HEAD.test(w.word);
  const head = phrase.filter(isHead).at(-1);
  if (head) return [head.word];
  // The verb of a place (在, 位于, 分布在) stands between the thing asked about and 哪里: 校区在哪里 asks of 校区.
  const end =
    /(?:是|有|为|达|达到|共|一共|总共|累计|约)?(?:在|位于|来自|源自于?|出自|地处)?(?:多少|几|谁|哪[位个些]?[^，,。？?]{0,4}|什么)[^，,。？?]{0,3}[？?]?$/.exec(
      part,
    );
  if (end) {
    // 总工程师叫什么名字: the verb that names (叫, 称为) is not the focus; what it names is.
    let text = part.slice(0, end.index).replace(/(?:[的之]|名叫|叫做?|称为?)$/, "");
    // 单星的定义是什么, 贴扎的含义是什么: the thing defined, not the word for its meaning.
    if (DEFINITION_ASKED.test(part)) text = text.replace(/[的之]?(?:定义|含义|涵义|意思|意义|指的|是指|指)$/, "");
    // cutForSearch also yields the parts of a word (主任 inside 副主任): the longest word ending the text wins.
    const lastWord = (t: string): string | undefined =>
      tokenize(t)
        .filter((w) => t.endsWith(w))
        .sort((a, b) => b.length - a.length)[0];
    const last = lastWord(text);
    if (kind === "amount" && last && AMOUNT_KIND_WORD.test(last)) {
      // The two words before the kind word (女性干部人数 → 女性, 干部; 投资完成比例 → 投资, 完成).
      text = text.slice(0, -last.length).replace(/[的之]$/, "");
      const head = lastWord(text);
      const before = head ? lastWord(text.slice(0, -head.length)) : undefined;
      return [before, head].filter((w): w is string => !!w && w.length >= 2);
    }
    // 来回跑几趟, 建了多少: a one-character verb or particle before an amount's question word is what was done,
    // not a thing asked about; no focus then (the unit says what is counted).
    if (kind === "amount" && last?.length === 1) return [];
    // 又别称什么, 现在大约已经多少年, 恒星可能是哪一种: an adverb, pronoun or modal verb before the question word is
    // no thing asked about (a verb of the relation, 分布在哪个地区, is).
    const lastTagged = tagWords(text).at(-1);
    if (NOT_A_FOCUS_TAG.test(lastTagged?.tag ?? "") || MODAL_VERB.test(lastTagged?.word ?? "")) return [];
    return last ? [last] : [];
  }
  return [];
}

/** The focus, or for an amount asked of a named thing (住院业务收入增长了多少) that thing's words. */
function focusOrItem(text: string, units: string[], kind: AskKind): string[] {
  const focus = focusTerms(text, units, kind);
  if (focus.length > 0 || kind !== "amount") return focus;
  const item = askedItem(text);
  return item ? tokenize(item).filter((t) => t.length >= 2) : [];
}

/** The noun phrase after 多少 / 几 and the unit (多少名教育人才到林芝帮扶 → 教育人才), or "". */
function countedThing(part: string, units: string[]): string {
  const ask = QUESTION_WORD.exec(part);
  if (!ask) return "";
  let after = part.slice(ask.index + ask[0].length);
  const unit = units.filter((u) => u && after.startsWith(u)).sort((a, b) => b.length - a.length)[0];
  if (!unit) return "";
  after = after.slice(unit.length).split(/[，,。？?；;！!、]/)[0] ?? "";
  const first = tagWords(after)[0];
  if (!first) return "";
  // 多少个招引投资的工作站: a phrase opening with a verb counts its head.
  const phrase = /^(?:n|x|j|vn|nz)/.test(first.tag) ? nounPhrase(after) : first.tag === "v" ? headOf(after) : "";
  return phrase.length >= 2 ? phrase : "";
}

/**
 * The noun phrase right before the verb that leads to the question word (玉麦乡史馆 in 湖南援建的玉麦乡史馆花了多少钱;
 * 广茂铁路 in 广茂铁路全长多少公里), at least three characters; "" when none.
 */
function askedItem(part: string): string {
  const ask = QUESTION_WORD.exec(part);
  if (!ask) return "";
  const words = tagWords(part.slice(0, ask.index));
  // Back over the verb and its particles (花了, 投资了, 全长) to the nouns before them.
  let end = words.length;
  while (end > 0 && /^(?:v|vn|ul|uz|d|p|m|a)/.test(words[end - 1]?.tag ?? "")) end--;
  let start = end;
  while (
    start > 0 &&
    /^(?:n|ns|nr|nz|nt|j|x)/.test(words[start - 1]?.tag ?? "") &&
    /^\p{Script=Han}+$/u.test(words[start - 1]?.word ?? "")
  )
    start--;
  const phrase = words
    .slice(start, end)
    .map((w) => w.word)
    .join("");
  return end < words.length && phrase.length >= 3 ? phrase : "";
}

/** Splits 「…多少个？投资多少？」 and 「…多少个，投资多少」 into the parts that each ask something. */
function splitParts(question: string): string[] {
  const pieces = question
    .split(/[？?]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const piece of pieces) {
    const clauses = piece
      .split(/[，,；;]/)
      .map((c) => c.trim())
      .filter(Boolean);
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

/** Chat-style question words in their written form (啥 → 什么, 咋 → 怎么, 哪儿 → 哪里), so the rules below see one form. */
const COLLOQUIAL: [RegExp, string][] = [
  [/多会儿/g, "什么时候"],
  [/啥/g, "什么"],
  [/咋/g, "怎么"],
  [/哪儿/g, "哪里"],
];

/**
 * The question words the tokenizer's stop list lacks (哪几个, 几个, 哪位, 哪家, 有何, 何人): they say what is asked,
 * not what the answer's sentence contains, so they are no terms.
 */
const ASKING_WORD =
  /^(?:哪[几一个些里位家种所座条国年儿]+|几[个名位家项条种次]?|数[个名位家项条种次部所座]|有何|何[种人处地时]|为何|为什么|怎么样?)$/;

/**
 * Asking phrases that jieba cuts so that a part looks like a word (哪一年 → 一年, 哪一位 → 一位, 哪一种 → 一种,
 * 哪一法律 → 一, 什么地方 → 地方, 哪些地方 → 地方): 哪 with its 一 and its measure word goes before the question is
 * cut into terms; the noun after it stays (哪一国家 → 国家, 哪个军队 → 军队).
 */
const ASKING_PHRASE =
  /哪一?(?:[些个]?地方|年|位|个人|方面|国(?!家)|[个种类所座条家项部本首支只场间些])?|什么(?:地方|人|位置)/g;

function questionTerms(text: string): string[] {
  const definition = DEFINITION_ASKED.test(text);
  const asking = (t: string): boolean => ASKING_WORD.test(t) || (definition && DEFINITION_WORD.test(t));
  return tokenize(text.replace(ASKING_PHRASE, " ")).filter((t) => !asking(t));
}

function plainQuestionWords(text: string): string {
  return indefiniteJi(COLLOQUIAL.reduce((t, [from, to]) => t.replace(from, to), text));
}

/** Question words other than 几 (哪几 is one of them). */
const OTHER_ASKING = /哪|谁|什么|何|怎么|多少|是否/;

/**
 * 几 beside another question word in the same question means "several", not "how many": 东罗马哪位皇帝发动了几次
 * 战役 asks who, 北朝几个朝代中哪个朝代… asks which, 律令分为几部法典，直到哪一年 asks when. Written 数 (数次, 数个),
 * the reading it has there, so that only the real question word shapes the parts and the asked type. 几 of a date
 * (几时, 几月, 西元几年, 几几年), of 几乎 and of 哪几 stays.
 */
function indefiniteJi(text: string): string {
  return text
    .split(/(?<=[？?])/)
    .map((piece) =>
      OTHER_ASKING.test(piece) ? piece.replace(/(?<!哪|西元|公元|民国|公历|几)几(?![乎时月号日几])/g, "数") : piece,
    )
    .join("");
}

export function analyzeQuestion(question: string): AnalyzedQuestion {
  const normalized = plainQuestionWords(normalizeForMatch(question.trim()));
  const parts = splitParts(normalized).map((text): QuestionPart => {
    const kind = askKind(text);
    const units = expectedUnits(text);
    return {
      text,
      kind,
      asked: askedType(text, kind, units),
      level: kind === "place" ? placeLevel(text) : "",
      units,
      terms: questionTerms(text),
      focus: focusOrItem(text, units, kind),
      counted: countedThing(text, units),
      item: kind === "amount" ? askedItem(text) : "",
    };
  });
  return {
    original: question,
    normalized,
    entities: extractEntities(normalized),
    terms: questionTerms(normalized),
    parts,
  };
}

// Step 1b, what a question is about: the focus (the counted thing, the measured attribute, the role), the
// counted thing itself, and the item an amount is asked of (湖南援建的玉麦乡史馆花了多少钱 → 玉麦乡史馆). Read from
// jieba's word tags around the question word.
import { tagWords, tokenize } from "../text/tokenize.js";
import type { AskKind } from "./kinds.js";

/** The noun phrase a text starts with: its first word and the nouns right after it (援藏 + 资金; 村民, not 挣钱). */
export function nounPhrase(text: string): string {
  const words = tagWords(text);
  let phrase = words[0]?.word ?? "";
  for (const w of words.slice(1, 3)) {
    if (!(w.tag.startsWith("n") || w.tag === "j" || w.tag === "vn") || !/^\p{Script=Han}+$/u.test(w.word)) break;
    phrase += w.word;
  }
  return phrase;
}

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

export function headOf(text: string): string {
  return leadingNounPhrase(text).head;
}

/**
 * The head noun of what a 多少个 / 几个 question counts: the last noun before the first verb that follows one
 * (多少个斜视或弱视的孩子 → 孩子; 几个孩子得到救治 → 孩子); "" when no noun follows the question word.
 */
export function countedHead(part: string): string {
  const ask = /(?:多少|几)个/.exec(part);
  if (!ask) return "";
  return headOf(part.slice(ask.index + ask[0].length));
}

export const QUESTION_WORD = /(?:多少|几|若干)(?:万|亿)?/;
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
export const DEFINITION_ASKED =
  /(?:定义|含义|涵义|意思|意义)(?:是什么|为何|是指什么|指的是什么|是|为|指)?[？?。]?$|有何(?:含义|涵义|意义)|是什么意思|指的是什么|是指什么/;
export const DEFINITION_WORD = /^(?:定义|含义|涵义|意思|意义|指的是|是指|指)$/;

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
export function focusOrItem(text: string, units: string[], kind: AskKind): string[] {
  const focus = focusTerms(text, units, kind);
  if (focus.length > 0 || kind !== "amount") return focus;
  const item = askedItem(text);
  return item ? tokenize(item).filter((t) => t.length >= 2) : [];
}

/** The noun phrase after 多少 / 几 and the unit (多少名教育人才到林芝帮扶 → 教育人才), or "". */
export function countedThing(part: string, units: string[]): string {
  const ask = QUESTION_WORD.exec(part);
  if (!ask) return "";
  let after = part.slice(ask.index + ask[0].length);
  const unit = units.filter((u) => u && after.startsWith(u)).sort((a, b) => b.length - a.length)[0];
  if (!unit) return "";
  after = after.slice(unit.length).split(/[，,。？?；;！!、]/)[0] ?? "";
  const [first, second] = tagWords(after);
  if (!first) return "";
  // 多少个招引投资的工作站: a phrase opening with a verb counts its head. 多少名女干部: a distinguishing word (女,
  // 男; jieba's b) before a noun is part of what is counted.
  const distinguished = first.tag === "b" && /^(?:n|x|j|vn|nz)/.test(second?.tag ?? "");
  const phrase =
    /^(?:n|x|j|vn|nz)/.test(first.tag) || distinguished ? nounPhrase(after) : first.tag === "v" ? headOf(after) : "";
  return phrase.length >= 2 ? phrase : "";
}

/**
 * The noun phrase right before the verb that leads to the question word (玉麦乡史馆 in 湖南援建的玉麦乡史馆花了多少钱;
 * 广茂铁路 in 广茂铁路全长多少公里), at least three characters; "" when none.
 */
export function askedItem(part: string): string {
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

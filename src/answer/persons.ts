// Person answers: the people a text names (a post or title before a name, 某某说, a transliterated name with ·,
// jieba's name tags), whether a question asks for a name in so many words, and whether an answer names anyone
// the question does not. The posts and titles are data (lexicon/posts.txt, lexicon/titles.txt).
import { tagWords } from "../text/tokenize.js";
import { endsWithOneOf } from "../text/data-file.js";
import { ANSWER_NAME_TAGS, PERSON_TAGS } from "../text/tags.js";
import { PERSON_ENDINGS, POSTS, TITLES } from "./lexicon.js";
import type { AnalyzedQuestion } from "./question.js";

const PERSON = new RegExp(
  [
    String.raw`(?:[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff·]{1,12})`,
    String.raw`(?:(?:${[...POSTS, ...TITLES].join("|")})(?![和与及等的在们为是了对将把被从向都也就])[\u4e00-\u9fff]{2,3})`,
    String.raw`(?:[\u4e00-\u9fff]{2,3}(?=同志|说|表示|介绍|告诉))`,
  ].join("|"),
  "g",
);

export function notInQuestion(text: string, q: AnalyzedQuestion): boolean {
  return !q.normalized.includes(text);
}

/** People named in a text: role + name and 某某说 patterns, transliterated names with ·, and jieba's name tags. */
export function personSpans(norm: string): string[] {
  const found = [...norm.matchAll(PERSON)].map((m) => m[0]);
  for (const { word, tag } of tagWords(norm)) if (PERSON_TAGS.has(tag) && word.length >= 2) found.push(word);
  return found;
}

/** A question that asks for a name in so many words (专家叫什么名字, 他的姓名, 名叫什么). */
const NAME_ASKED = /叫什么名字|什么名字|名字是什么|叫什么|姓名|名叫/;

/** Nouns for people, by their endings (lexicon/person-endings.txt). */
const PERSON_NOUN = endsWithOneOf(PERSON_ENDINGS);

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
  return tagWords(norm).some((w) => ANSWER_NAME_TAGS.has(w.tag) && w.word.length >= 2 && notInQuestion(w.word, q));
}

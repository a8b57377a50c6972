// Word lists of the answerer as data: one word a line in lexicon/NAME.txt beside this file, `#` lines saying
// where the list came from, read strictly by src/text/data-file.ts. Order is kept (an alternation tries longer
// words first).
import { patternAt, readTable, readWords } from "../text/data-file.js";

const LEXICON = new URL("./lexicon/", import.meta.url);

/** The words of lexicon/NAME.txt, in file order. */
export function wordList(name: string): readonly string[] {
  return readWords(new URL(`${name}.txt`, LEXICON));
}

/** Posts that stand before a name and are asked about (组长, 队长, 书记 …). */
export const POSTS = wordList("posts");
/** Titles before a name that no question asks about by name (专家, 同志 …). */
export const TITLES = wordList("titles");
/** Posts asked about that are not looked for before a name (馆长, 总理 …). */
export const ASKED_POSTS = wordList("asked-posts");
/** Measure words after a numeral in characters (六个, 两种, 三百多名). */
export const MEASURE_WORDS = wordList("measure-words");
/** Endings of nouns whose count is a count of people (村民, 患儿, 干部人才): counted in 人, 名 or 位. */
export const COUNTED_PEOPLE = wordList("counted-people");
/** Words that pick a part of a counted group (女, 青年, 少数民族): a count of the whole does not answer. */
export const SUBSET_MARKERS = wordList("subset-markers");
/** Endings of nouns that name a person (专家, 总工程师, 队员, 院长, 他): 叫什么名字 after one asks for a name. */
export const PERSON_ENDINGS = wordList("person-endings");

/**
 * A pronoun or demonstrative that opens a sentence and points back: 他, 她, 它, 这座, 该线路, 此条款, 其定位; not
 * 此外, 此后, 其中, 其后, 其他, which only link.
 */
const POINTER = String.raw`他|她|它|(?:这|该|此)(?!外|后|时|前)\p{Script=Han}|其(?!中|后|他|它|余|实|次)\p{Script=Han}`;

/** A sentence that refers back to something named before it (该项目, 这座桥, 其总投资, 本届, 它). */
export const REFERS_BACK = new RegExp(String.raw`^(?:${POINTER}|本(?!外|后|时|前)\p{Script=Han})`, "u");

/** A sentence whose opening word stands for what the sentence before names (他, 该线路, 因此 after the reason). */
export const ANAPHOR = new RegExp(`^(?:${POINTER}|因此|所以|因而|于是)`, "u");

const QUESTION_WORDS_FILE = new URL("question-words.txt", LEXICON);
const QUESTION_WORDS: ReadonlyMap<string, string> = new Map(
  readTable(QUESTION_WORDS_FILE, 2).map((row) => {
    patternAt(QUESTION_WORDS_FILE, row, row.columns[1]!);
    return [row.columns[0]!, row.columns[1]!] as const;
  }),
);

/**
 * The question words of one use in lexicon/question-words.txt (any, not-ji, which-what, not-ratio, stripped,
 * slot, asking-token, asking-phrase), as a pattern. The uses keep their own words, the ones they were measured
 * with; defined once here, side by side, so that a change to one is seen beside the others.
 */
export function questionWords(use: string, flags = ""): RegExp {
  const source = QUESTION_WORDS.get(use);
  if (source === undefined) throw new Error(`${QUESTION_WORDS_FILE.pathname}: no "${use}" line`);
  return new RegExp(source, flags);
}

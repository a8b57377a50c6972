// Word lists of the answerer as data: one word a line in lexicon/NAME.txt beside this file, `#` lines saying
// where the list came from. Read once, strictly: a word with spaces or a repeated word is an error at load
// (naming the file and line), not a silent skip. Order is kept (an alternation tries longer words first).
import { readFileSync } from "node:fs";

const LEXICON = new URL("./lexicon/", import.meta.url);

/** The words of lexicon/NAME.txt, in file order. */
export function wordList(name: string): readonly string[] {
  const file = new URL(`${name}.txt`, LEXICON);
  const words: string[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const word = line.trim();
      if (!word || word.startsWith("#")) return;
      if (/\s/.test(word)) throw new Error(`${file.pathname}:${i + 1}: one word a line, found "${word}"`);
      if (words.includes(word)) throw new Error(`${file.pathname}:${i + 1}: "${word}" is listed twice`);
      words.push(word);
    });
  if (words.length === 0) throw new Error(`${file.pathname}: no words`);
  return words;
}

/** Posts that stand before a name and are asked about (组长, 队长, 书记 …). */
export const POSTS = wordList("posts");
/** Titles before a name that no question asks about by name (专家, 同志 …). */
export const TITLES = wordList("titles");
/** Posts asked about that are not looked for before a name (馆长, 总理 …). */
export const ASKED_POSTS = wordList("asked-posts");

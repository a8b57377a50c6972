// How informative a word is in Chinese at large, apart from the corpus: jieba's IDF table (shipped with
// @node-rs/jieba, computed on a large general corpus). A small corpus never uses many everyday words (起来, 之前,
// 搞, 作者), and its own IDF would call them as rare as a name; this table tells the two apart.
import { idf as IDF_TABLE } from "@node-rs/jieba/dict.js";
import { byteLines } from "./byte-lines.js";

/** A word at least this rare in general Chinese (IDF) counts as fully informative; the table's median is 11.95. */
const RARE = 10;

let common: Map<string, number> | undefined;

/**
 * Only the words commoner than RARE are kept (44k of 270k), since every other word counts 1; only they are
 * decoded (byte-lines.ts): about 3.6 MB of heap, measured.
 */
function commonWords(): Map<string, number> {
  if (!common) {
    common = new Map();
    const decoder = new TextDecoder();
    for (const line of byteLines(IDF_TABLE)) {
      const space = line.lastIndexOf(0x20);
      if (space <= 0) continue;
      const value = Number(decoder.decode(line.subarray(space + 1)));
      if (value < RARE) common.set(decoder.decode(line.subarray(0, space)), value);
    }
  }
  return common;
}

/**
 * A word's informativeness in general Chinese as a share of a rare word's (0 … 1): 起来 0.40, 之前 0.52, 格局 0.61,
 * 景区 0.81; a word rarer than that, or one the table lacks (most names, figures), 1. Words are simplified.
 */
export function languageRarity(word: string): number {
  const value = commonWords().get(word);
  return value === undefined ? 1 : value / RARE;
}

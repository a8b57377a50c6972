// How informative a word is in Chinese at large, apart from the corpus: jieba's IDF table (shipped with
// @node-rs/jieba, computed on a large general corpus). A small corpus never uses many everyday words (起来, 之前,
// 搞, 作者), and its own IDF would call them as rare as a name; this table tells the two apart.
import { idf as IDF_TABLE } from "@node-rs/jieba/dict.js";

/** A word at least this rare in general Chinese (IDF) counts as fully informative; the table's median is 11.95. */
const RARE = 10;

let common: Map<string, number> | undefined;

/**
 * Only the words commoner than RARE are kept (44k of 270k), since every other word counts 1. The table is read
 * as bytes, line by line, and only the kept words are decoded, so the 6 MB file is never one string in memory
 * (a string sliced from it would keep it alive): about 3 MB of heap, measured.
 */
function commonWords(): Map<string, number> {
  if (!common) {
    common = new Map();
    const decoder = new TextDecoder();
    const bytes = IDF_TABLE;
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      const space = bytes.lastIndexOf(0x20, end);
      if (space > start) {
        const value = Number(decoder.decode(bytes.subarray(space + 1, end)));
        if (value < RARE) common.set(decoder.decode(bytes.subarray(start, space)), value);
      }
      start = end + 1;
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

// Tokens for BM25 and entity matching: normalised text cut by jieba (with the domain dictionary), except that
// a figure with its unit stays one token (1.32亿元, 35.43%, 2022年7月) and also yields its bare number, so a
// question about 657名 finds "657名医疗队员" and "医疗队员657人" alike.
import { readFileSync } from "node:fs";
import * as jieba from "nodejs-jieba";
import { extractFigures } from "./figures.js";
import { normalizeForMatch } from "./normalize.js";

const DOMAIN_WORDS_FILE = new URL("./domain-words.txt", import.meta.url);

let dictionaryLoaded = false;

/** The domain dictionary's words (comments and blank lines skipped). */
export function domainWords(): string[] {
  return readFileSync(DOMAIN_WORDS_FILE, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

function ensureDictionary(): void {
  if (dictionaryLoaded) return;
  for (const word of domainWords()) jieba.insertWord(word);
  dictionaryLoaded = true;
}

const STOP = new Set(
  ("的 了 和 与 及 在 是 为 对 把 被 将 从 以 等 也 都 而 并 其 这 那 有 个 中 上 下 之 于 由 向 到 就 又 或 " +
    "多少 几 什么 哪 哪个 哪些 哪里 哪一 哪一年 谁 何时 怎样 如何 是否 吗 呢 吧 啊 请问 一共 分别 共 累计 " +
    "请 问 告诉 我 你 他 她 它 我们 他们 一个 这个 那个 当时 时候 什么时候 多大 多久 多长")
    .split(" "),
);

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/** A text's words with jieba's part-of-speech tags (nr person, ns place, nt organisation, x unknown word …). */
export function tagWords(text: string): { word: string; tag: string }[] {
  ensureDictionary();
  return jieba.tag(text);
}

/** Tokens of a text for indexing or querying; lower-cased, simplified, stop words and punctuation dropped. */
export function tokenize(text: string): string[] {
  ensureDictionary();
  const norm = normalizeForMatch(text);
  const tokens: string[] = [];
  const cutPlain = (segment: string): void => {
    if (!segment.trim()) return;
    for (const t of jieba.cutForSearch(segment, true)) {
      const tok = t.trim();
      if (tok && !PUNCT.test(tok) && !STOP.has(tok)) tokens.push(tok);
    }
  };
  let pos = 0;
  for (const fig of extractFigures(norm)) {
    cutPlain(norm.slice(pos, fig.start));
    tokens.push(fig.text);
    const bare = /^\d+(?:\.\d+)?/.exec(fig.text)?.[0];
    if (bare && bare !== fig.text) tokens.push(bare);
    pos = fig.end;
  }
  cutPlain(norm.slice(pos));
  return tokens;
}

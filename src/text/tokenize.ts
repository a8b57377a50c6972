// Tokens for BM25 and entity matching: normalised text cut by jieba (with the domain dictionary), except that
// a figure with its unit stays one token (1.32亿元, 35.43%, 2022年7月) and also yields its bare number, so a
// question about 657名 finds "657名医疗队员" and "医疗队员657人" alike.
import { readFileSync } from "node:fs";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { byteLines } from "./byte-lines.js";
import { extractFigures } from "./figures.js";
import { normalizeForMatch } from "./normalize.js";

const DOMAIN_WORDS_FILE = new URL("./domain-words.txt", import.meta.url);

/** Bump when tokens change: an index's word index (bm25.json) built by another version is rebuilt on load. */
export const TOKENIZER_VERSION = 5;

/**
 * The frequency a domain word is given when the dictionary lacks it or has it rarer: the dictionary's median (3),
 * as a user word gets in cppjieba, so that a domain name is kept whole without outweighing the words around it.
 * A word the dictionary already knows keeps its own frequency (那曲 91, 日喀则 67): loading it at 3 made it lose to
 * the words beside it (那曲小伙 → 那 + 曲 + 小伙).
 */
const DOMAIN_WORD_FREQUENCY = 3;

let instance: Jieba | undefined;

/** The domain dictionary's words (comments and blank lines skipped). */
export function domainWords(): string[] {
  return readFileSync(DOMAIN_WORDS_FILE, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * jieba (jieba-rs through @node-rs/jieba, prebuilt) with its default dictionary and the domain's words, loaded
 * once. Domain words are tagged x, like the words jieba does not know.
 */
function jieba(): Jieba {
  if (!instance) {
    const segmenter = Jieba.withDict(dict);
    const words = domainWords();
    const scanned = scanDictionary(words);
    particleWords = scanned.particleWords;
    const lines = words.map((w) => `${w} ${Math.max(DOMAIN_WORD_FREQUENCY, scanned.frequencies.get(w) ?? 0)} x`);
    segmenter.loadDict(Buffer.from(lines.join("\n"), "utf8"));
    instance = segmenter;
  }
  return instance;
}

const STOP = new Set(
  (
    "的 了 和 与 及 在 是 为 对 把 被 将 从 以 等 也 都 而 并 其 这 那 有 个 中 上 下 之 于 由 向 到 往 里 就 又 或 " +
    "多少 几 什么 哪 哪个 哪些 哪里 哪一 哪一年 谁 何时 怎样 如何 是否 吗 呢 吧 啊 请问 一共 分别 共 累计 " +
    "请 问 告诉 我 你 他 她 它 我们 他们 一个 这个 那个 当时 时候 什么时候 多大 多久 多长"
  ).split(" "),
);

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/** Particles that jieba's guess at an unknown word may glue to it (王沈是, 村是, 海在). */
const PARTICLES = "是的在和为了";
const GLUED_PARTICLE = new RegExp(`[${PARTICLES}]$`);

let particleWords: Set<string> | undefined;

/**
 * The dictionary's words that end with such a particle (但是, 目的, 现在, 因为, 为了): they stay whole. Collected in
 * jieba's one pass over its dictionary at start (scanDictionary).
 */
function endsWithParticleInDictionary(word: string): boolean {
  jieba();
  return particleWords?.has(word) ?? false;
}

/** The three UTF-8 bytes of a character of the Basic Multilingual Plane's CJK range, as one number. */
function triple(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0);
}

/**
 * One pass over jieba's dictionary, as bytes: the frequency of each of `words` that it has, and its words that
 * end with a glued particle. A line is decoded only when its first character is that of one of `words` or its
 * last is a particle (compared as three-byte numbers): decoding all 349k words took ~100 ms and left some 15 MB
 * of strings behind.
 */
function scanDictionary(words: string[]): { frequencies: Map<string, number>; particleWords: Set<string> } {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const firsts = new Set(words.map((w) => triple(encoder.encode(w), 0)));
  const wanted = new Set(words);
  const particles = new Set([...PARTICLES].map((p) => triple(encoder.encode(p), 0)));
  const frequencies = new Map<string, number>();
  const particleWords = new Set<string>();
  for (const line of byteLines(dict)) {
    const space = line.indexOf(0x20);
    const end = space > 0 ? space : line.length;
    if (end > 3 && particles.has(triple(line, end - 3))) {
      const w = decoder.decode(line.subarray(0, end));
      if (GLUED_PARTICLE.test(w)) particleWords.add(w);
    }
    if (space > 0 && firsts.has(triple(line, 0))) {
      const w = decoder.decode(line.subarray(0, space));
      if (!wanted.has(w)) continue;
      const next = line.indexOf(0x20, space + 1);
      frequencies.set(w, Number(decoder.decode(line.subarray(space + 1, next > 0 ? next : undefined))));
    }
  }
  return { frequencies, particleWords };
}

/**
 * A token as indexed: a word jieba guessed (not in its dictionary) that ends with a particle loses it, so that
 * 王沈是哪里人 is searched by 王沈 as the passage's 王沈，字处道 indexes it.
 */
function unglued(token: string): string {
  if (token.length < 2 || !GLUED_PARTICLE.test(token) || endsWithParticleInDictionary(token)) return token;
  return token.slice(0, -1);
}

/** A text's words with jieba's part-of-speech tags (nr person, ns place, nt organisation, x unknown word …). */
export function tagWords(text: string): { word: string; tag: string }[] {
  return jieba().tag(text, true);
}

/** Tokens of a text for indexing or querying; lower-cased, simplified, stop words and punctuation dropped. */
export function tokenize(text: string): string[] {
  const segmenter = jieba();
  const norm = normalizeForMatch(text);
  const tokens: string[] = [];
  const cutPlain = (segment: string): void => {
    if (!segment.trim()) return;
    for (const t of segmenter.cutForSearch(segment, true)) {
      const tok = unglued(t.trim());
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

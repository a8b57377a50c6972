// The last check before an answer is shown: every figure in the answer (a number with its unit, a date, a
// percentage) stands in the quote of a citation that the answer's sentence names with [n]; and, for generated
// answers, every person, place and organisation the sentence names stands in a passage it cites, and so does
// every web address, e-mail address, @handle and word in Latin script, and every word that denies (取消, 未).
import { derivedHolds, type Derived } from "../facts/arithmetic.js";
import { extractEntities, mentions } from "../text/entities.js";
import { extractFigures, sameFigure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { relativeYears } from "../text/relative-years.js";
import { domainWords, tagWords } from "../text/tokenize.js";
import { orgSuffixes } from "../text/data-file.js";
import { CHECKED_NAME_TAGS } from "../text/tags.js";
import { wordList } from "./lexicon.js";
import type { Citation } from "./types.js";

export interface VerifyResult {
  ok: boolean;
  /** Figures of the answer found in none of the quotes they could rely on. */
  unsupported: string[];
  /** [n] markers that name no citation. */
  unknownMarkers: number[];
}

function markersIn(text: string): number[] {
  return [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

/**
 * Checks the figures of each answer sentence against the quotes of the citations that sentence names. A figure
 * no quote holds passes only as a `derived` entry whose inputs all stand in the quotes and whose text is the
 * arithmetic on them (19个 + 39个 = 58个).
 */
export function verifyFigures(answer: string, citations: Citation[], derived: Derived[] = []): VerifyResult {
  const byN = new Map(citations.map((c) => [c.n, c]));
  const unsupported: string[] = [];
  const allQuoteFigures = citations.flatMap((c) => extractFigures(normalizeForMatch(c.quote)));
  const inQuotes = (text: string): boolean =>
    extractFigures(normalizeForMatch(text)).every((f) => allQuoteFigures.some((q) => sameFigure(f, q)));
  const computed = derived
    .filter((d) => d.inputs.length >= 2 && d.inputs.every(inQuotes) && derivedHolds(d))
    .flatMap((d) => extractFigures(normalizeForMatch(d.text)));
  const unknownMarkers = markersIn(answer).filter((n) => !byN.has(n));
  const sentences = answer.match(/[^。！？；\n]+[。！？；\n]?(?:\s*(?:\[\d+\])+)?/g) ?? [answer];
  for (const sentence of sentences) {
    const cited = markersIn(sentence);
    const pool = (cited.length ? cited : [...byN.keys()]).map((n) => byN.get(n)).filter((c): c is Citation => !!c);
    // A year beside a relative word (去年（2012年）) stands in the quote by the report's date.
    const quoteFigures = pool.flatMap((c) =>
      extractFigures(
        normalizeForMatch(
          `${c.quote} ${relativeYears(c.quote, c.date)
            .map((r) => `${r.year}年`)
            .join(" ")}`,
        ),
      ),
    );
    for (const fig of extractFigures(normalizeForMatch(sentence.replace(/\[\d+\]/g, "")))) {
      if (!quoteFigures.some((q) => sameFigure(fig, q)) && !computed.some((d) => sameFigure(fig, d)))
        unsupported.push(fig.text);
    }
  }
  return { ok: unsupported.length === 0 && unknownMarkers.length === 0, unsupported, unknownMarkers };
}

let domainVocabulary: Set<string> | undefined;

/** A word that is an organisation's ending alone (org-suffixes.txt, "word"): joined with the name before it. */
const ORG_WORD = new RegExp(`^(${orgSuffixes("word").join("|")})$`);
/** Tags of the words that make up an organisation's name before its suffix. */
const ORG_PART_TAGS = new Set(["n", "ns", "nz", "nt", "nr", "nrt", "x", "j", "vn"]);

/**
 * The names (people, places, organisations) in a sentence: places and organisations by their suffixes and the
 * domain's lists, people and other proper nouns by jieba's tags, and words neither jieba nor the domain
 * dictionary knows (tag x, two or more Chinese characters), which in a generated answer are mostly names.
 */
export function namesIn(sentence: string): string[] {
  const text = normalizeForMatch(sentence.replace(/\[\d+\]/g, ""));
  const names = new Set<string>();
  for (const e of extractEntities(text)) if (e.kind === "place" || e.kind === "org") names.add(e.text);
  const words = tagWords(text);
  words.forEach(({ word }, i) => {
    // An organisation jieba cuts into pieces (中国 + 电建 + 集团): the suffix and the nouns before it.
    if (!ORG_WORD.test(word)) return;
    let start = i;
    while (start > 0 && i - start < 3 && ORG_PART_TAGS.has(words[start - 1]?.tag ?? "")) start--;
    if (start < i)
      names.add(
        words
          .slice(start, i + 1)
          .map((w) => w.word)
          .join(""),
      );
  });
  for (const { word, tag } of words) {
    if (!/^\p{Script=Han}{2,}$/u.test(word)) continue;
    // Words of the domain dictionary (援藏, 干部人才 …) are tagged x too; they are vocabulary, not names.
    domainVocabulary ??= new Set(domainWords());
    if (CHECKED_NAME_TAGS.has(tag) || (tag === "x" && !domainVocabulary.has(word))) names.add(word);
  }
  return [...names];
}

/** The names of a sentence that none of the given texts holds (in any spelling the domain accepts). */
export function unsupportedNames(sentence: string, texts: string[]): string[] {
  const pool = texts.map(normalizeForMatch).join("\n");
  const entities = extractEntities(normalizeForMatch(sentence.replace(/\[\d+\]/g, "")));
  return namesIn(sentence).filter((name) => {
    if (pool.includes(name)) return false;
    const entity = entities.find((e) => e.text === name);
    return !(entity && mentions(pool, entity));
  });
}

/** Web and e-mail addresses, @handles and words in Latin script (John, Smith, www.example.com). */
const LATIN_MARK = /https?:\/\/[\x21-\x7e]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w+|www\.[\x21-\x7e]+|[A-Za-z][A-Za-z'-]*/g;

/**
 * The addresses, handles and Latin-script words of a generated sentence that none of the given texts holds
 * (case aside): a model may invent a foreign name or a link no Chinese name check would see.
 */
export function unsupportedLatin(sentence: string, texts: string[]): string[] {
  const pool = texts.join("\n").normalize("NFKC").toLowerCase();
  const marks =
    sentence
      .replace(/\[\d+\]/g, "")
      .normalize("NFKC")
      .match(LATIN_MARK) ?? [];
  return [...new Set(marks)].filter((m) => !pool.includes(m.replace(/[.,;:!?)]+$/, "").toLowerCase()));
}

let negations: readonly string[] | undefined;

/**
 * The denials of a generated sentence (lexicon/negations.txt) that no given text holds with the same next
 * character: 已经取消 against a passage that says nothing was cancelled, 未完成 against 已完成.
 */
export function unsupportedNegations(sentence: string, texts: string[]): string[] {
  negations ??= wordList("negations");
  const claim = normalizeForMatch(sentence.replace(/\[\d+\]/g, ""));
  const pool = texts.map(normalizeForMatch).join("\n");
  const found: string[] = [];
  for (let i = 0; i < claim.length; i++) {
    const word = negations.find((w) => claim.startsWith(w, i));
    if (!word) continue;
    const withNext = claim.slice(i, i + word.length + 1);
    if (!pool.includes(withNext)) found.push(withNext);
    i += word.length - 1;
  }
  return found;
}

// Domain synonyms as data (synonyms.txt beside this file, each line with its reason): the words a chat question
// uses for what a report says otherwise (砸钱 ↔ 投入, 孩子 ↔ 儿童, 挣 ↔ 增收). Used for agreement between a
// question's focus and a candidate sentence, and to expand BM25 queries with the documents' wording.
import { readTable } from "./data-file.js";
import { normalizeForMatch } from "./normalize.js";

const SYNONYMS_FILE = new URL("./synonyms.txt", import.meta.url);

let groups: Map<string, string[]> | undefined;

/** Each word's synonyms, longest first, read once. */
function load(): Map<string, string[]> {
  const byWord = new Map<string, Set<string>>();
  for (const row of readTable(SYNONYMS_FILE, 2)) {
    const words = row.columns[0]!.trim().split(/\s+/).map(normalizeForMatch);
    if (words.length < 2) throw new Error(`${SYNONYMS_FILE.pathname}:${row.line}: a line needs two words or more`);
    for (const w of words) {
      const set = byWord.get(w) ?? new Set<string>();
      for (const other of words) if (other !== w) set.add(other);
      byWord.set(w, set);
    }
  }
  return new Map([...byWord].map(([w, set]) => [w, [...set].sort((a, b) => b.length - a.length)]));
}

/** The other words that say what `word` says, longest first; empty when the list has none. */
export function synonymsOf(word: string): string[] {
  groups ??= load();
  return groups.get(normalizeForMatch(word)) ?? [];
}

/**
 * Whether a normalised text says `term`, in its own words or a synonym's. A one-character synonym (投, 花) counts
 * only for a one-character term: inside longer words a single character matches too much.
 */
export function mentionsTerm(norm: string, term: string): boolean {
  if (norm.includes(term)) return true;
  return synonymsOf(term).some((s) => (s.length >= 2 || term.length === 1) && norm.includes(s));
}

/**
 * A query's tokens plus, for each token the corpus never uses (砸, 挣上), up to three synonyms it does use
 * (投入, 增收), so that BM25 finds the document's wording. Tokens the corpus knows are left alone.
 */
export function expandQueryTokens(tokens: string[], known: (token: string) => boolean): string[] {
  const out = [...tokens];
  for (const t of tokens) {
    if (known(t)) continue;
    out.push(
      ...synonymsOf(t)
        .filter((s) => s.length >= 2 && known(s))
        .slice(0, 3),
    );
  }
  return out;
}

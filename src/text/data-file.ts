// Knowledge kept as data files beside the code (word lists, cue tables, trigger tables): one entry a line,
// columns separated by a tab, `#` lines saying where the data came from. Read strictly: a line with the wrong
// number of columns, an empty column or a pattern that does not compile is an error at load that names the
// file and line, never a silent skip.
import { readFileSync } from "node:fs";

/** One line of a table file: its columns and its line number (for error messages). */
export interface TableRow {
  columns: string[];
  line: number;
}

/** The rows of a tab-separated file, each with exactly `columns` non-empty columns. */
export function readTable(file: URL, columns: number): TableRow[] {
  const rows: TableRow[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (!text.trim() || text.startsWith("#")) return;
      const cells = text.split("\t");
      if (cells.length !== columns || cells.some((c) => c.trim() === "")) {
        throw new Error(`${file.pathname}:${i + 1}: expected ${columns} tab-separated columns, found: ${text}`);
      }
      rows.push({ columns: cells, line: i + 1 });
    });
  if (rows.length === 0) throw new Error(`${file.pathname}: no entries`);
  return rows;
}

/** A regular expression from a table cell, or an error naming the file and line. */
export function patternAt(file: URL, row: TableRow, source: string, flags = ""): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(`${file.pathname}:${row.line}: ${(err as Error).message}`);
  }
}

/** The words of a one-column word list, in file order (an alternation tries the earlier words first). */
export function readWords(file: URL): readonly string[] {
  const words: string[] = [];
  for (const row of readTable(file, 1)) {
    const word = row.columns[0]!.trim();
    if (/\s/.test(word)) throw new Error(`${file.pathname}:${row.line}: one word a line, found "${word}"`);
    if (words.includes(word)) throw new Error(`${file.pathname}:${row.line}: "${word}" is listed twice`);
    words.push(word);
  }
  return words;
}

/** A pattern matching a text that ends with one of the words (a suffix list: 干部, 人才, 员 …). */
export function endsWithOneOf(words: readonly string[]): RegExp {
  return new RegExp(`(?:${words.join("|")})$`);
}

/** How an organisation's ending is used (org-suffixes.txt): in entities, in answer spans, as a word alone. */
export type OrgSuffixUse = "entity" | "span" | "word";

const ORG_SUFFIXES = new URL("./org-suffixes.txt", import.meta.url);
let orgSuffixTable: { suffix: string; uses: Set<string> }[] | undefined;

/** The organisation endings of org-suffixes.txt with the given use, in file order. */
export function orgSuffixes(use: OrgSuffixUse): string[] {
  orgSuffixTable ??= readTable(ORG_SUFFIXES, 2).map((row) => {
    const uses = new Set(row.columns[1]!.split(","));
    for (const u of uses) {
      if (!["entity", "span", "word"].includes(u)) throw new Error(`${ORG_SUFFIXES.pathname}:${row.line}: use "${u}"?`);
    }
    return { suffix: row.columns[0]!, uses };
  });
  return orgSuffixTable.filter((s) => s.uses.has(use)).map((s) => s.suffix);
}

// The development data as question items, shared by `eval` and `fit`: the seeds' QA file (JSON Lines), and
// CMRC-format files (CMRC 2018, DRCD) written out as one document per passage, optionally with every K-th
// passage held out of the corpus (its questions must then be refused), and an archive of several folders asked
// by a QA file with the answering sentences of every K-th report cut (near misses for the fit).
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { splitSentences } from "../text/sentences.js";
import { answerMatches, type EvalItem } from "./metrics.js";

interface CmrcEntry {
  context_id: string;
  context_text: string;
  title: string;
  qas: { query_id: string; query_text: string; answers: string[] }[];
}

/**
 * The questions of a QA file (../shared/CONTRACT.md); a total's `derived` figure is expected too, and an open
 * question's `points` are scored by `need`.
 */
export async function readQa(file: string): Promise<EvalItem[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l.trim());
  return lines.map((line) => {
    const q = JSON.parse(line) as {
      id: string;
      question: string;
      expect?: string[];
      source: string | null;
      kind?: string;
      derived?: string;
      points?: string[];
      need?: number;
    };
    const open = q.points !== undefined;
    const given = open ? (q.points ?? []) : (q.expect ?? []);
    const expect = q.derived ? [...given, q.derived] : given;
    return {
      id: q.id,
      question: q.question,
      expect,
      sources: q.source ? q.source.split("|") : [],
      mode: open ? ("points" as const) : ("all" as const),
      need: open ? (q.need ?? 1) : undefined,
      kind: q.kind,
      group: q.id,
    };
  });
}

/** A text without the sentences that hold any of the strings. */
function withoutSentences(text: string, strings: string[]): string {
  return splitSentences(text)
    .filter((s) => !strings.some((g) => s.text.includes(g)))
    .map((s) => s.text)
    .join("");
}

/** The questions of a CMRC-format file: those about kept passages, and those about held-out ones. */
export interface CmrcItems {
  kept: EvalItem[];
  heldOut: EvalItem[];
}

export interface CmrcOptions {
  /** Leave every K-th passage (the K-th, 2K-th …) out of the corpus. */
  holdout?: number;
  /**
   * In every K-th passage, leave out each sentence that holds a gold answer of one of its questions: the passage
   * stays, the fact is gone, so those questions are near misses to refuse (unless the answer still stands in
   * what is left of the passage, when they stay ordinary questions). With `holdout` as well, the cut passages are
   * the ones half-way between two left out (the K/2-th, K/2 + K-th …), so that both kinds are asked in one corpus.
   */
  holdoutSentences?: number;
  /** Only the first N passages (a small corpus for a quick run). */
  passages?: number;
}

/**
 * Writes every passage of a CMRC-format file into docsDir (emptied first) as a document, its title as the first
 * line, and returns its questions. Passages of one article share a `group` (its title), so a
 * cross-validation fold never sees another part of an article it is scored on.
 */
export async function prepareCmrc(file: string, docsDir: string, options: CmrcOptions = {}): Promise<CmrcItems> {
  const data = JSON.parse(await readFile(file, "utf8")) as CmrcEntry[];
  await rm(docsDir, { recursive: true, force: true });
  await mkdir(docsDir, { recursive: true });
  const out: CmrcItems = { kept: [], heldOut: [] };
  for (const [i, entry] of data.entries()) {
    if (options.passages !== undefined && i >= options.passages) break;
    const leftOut = options.holdout !== undefined && (i + 1) % options.holdout === 0;
    const every = options.holdoutSentences;
    const at = every !== undefined && options.holdout !== undefined ? Math.floor(every / 2) : 0;
    const cut = every !== undefined && !leftOut && (i + 1) % every === at;
    const golds = entry.qas.flatMap((qa) => qa.answers.map(String)).filter((g) => g.trim());
    const text = cut ? withoutSentences(entry.context_text, golds) : entry.context_text;
    if (!leftOut) await writeFile(join(docsDir, `${entry.context_id}.txt`), `${entry.title}\n\n${text}\n`);
    // Passages of one article share its title (CMRC's ids, DEV_0, DEV_1 …, do not name the article).
    const group = entry.title || entry.context_id;
    for (const qa of entry.qas) {
      const base = { id: qa.query_id, question: qa.query_text, mode: "any" as const, group };
      const gone = cut && !qa.answers.some((g) => String(g).trim() && text.includes(String(g)));
      // The two kinds of question to refuse: the passage is gone ("held-out"), or only its answer ("near-miss").
      if (leftOut || gone) {
        const kind = leftOut ? "held-out" : "near-miss";
        out.heldOut.push({ ...base, expect: [...new Set(qa.answers.map(String))], sources: [], kind });
      } else
        out.kept.push({ ...base, expect: [...new Set(qa.answers.map(String))], sources: [`${entry.context_id}.txt`] });
    }
  }
  return out;
}

/**
 * The entries of several folders copied into one (emptied first), as one archive; two entries of the same name
 * are an error rather than one silently replacing the other. Hidden entries are skipped.
 */
export async function copyFolders(folders: string[], into: string): Promise<void> {
  await rm(into, { recursive: true, force: true });
  await mkdir(into, { recursive: true });
  for (const folder of folders) {
    for (const name of await readdir(folder)) {
      if (name.startsWith(".")) continue;
      await cp(join(folder, name), join(into, name), { recursive: true, errorOnExist: true, force: false });
    }
  }
}

/** The kinds of QA-file question one document answers with one fact (the others have no single right sentence). */
const SINGLE_FACT_KINDS = new Set(["fact", "paraphrase", "colloquial", "traditional", "entity", "unanswerable"]);

/**
 * Copies the folders into docsDir (emptied first) as one archive and returns the QA file's single-fact questions.
 * With `holdoutSentences` K, in every K-th .txt report that a question cites (sorted by name), each sentence
 * that holds an expected figure of one of its questions is left out: the report stays, the fact is gone, and the
 * questions whose answer no longer stands in it become near misses to refuse (kind "near-miss", no source).
 * A report's questions share a `group` (the report), so a cross-validation fold never sees its other questions.
 */
export async function prepareArchive(
  folders: string[],
  qaFile: string,
  docsDir: string,
  options: { holdoutSentences?: number } = {},
): Promise<EvalItem[]> {
  await copyFolders(folders, docsDir);
  const items = (await readQa(qaFile)).filter((q) => SINGLE_FACT_KINDS.has(q.kind ?? ""));
  const cited = [...new Set(items.flatMap((q) => (q.sources.length === 1 ? q.sources : [])))]
    .filter((s) => s.endsWith(".txt"))
    .sort();
  const every = options.holdoutSentences;
  const cut = new Map<string, string>();
  for (const [i, source] of cited.entries()) {
    if (every === undefined || (i + 1) % every !== 0) continue;
    const mine = items.filter((q) => q.sources.length === 1 && q.sources[0] === source);
    const golds = mine.flatMap((q) => q.expect);
    const text = await readFile(join(docsDir, source), "utf8");
    const kept = text
      .split("\n")
      .map((line) =>
        splitSentences(line)
          .filter((s) => !golds.some((g) => answerMatches(s.text, [g], "any")))
          .map((s) => s.text)
          .join(""),
      )
      .join("\n");
    await writeFile(join(docsDir, source), kept);
    cut.set(source, kept);
  }
  return items.map((q) => {
    const source = q.sources.length === 1 ? q.sources[0] : undefined;
    const group = source ?? q.id;
    const text = source === undefined ? undefined : cut.get(source);
    if (text !== undefined && !answerMatches(text, q.expect, q.mode))
      return { ...q, group, sources: [], kind: "near-miss" };
    return { ...q, group };
  });
}

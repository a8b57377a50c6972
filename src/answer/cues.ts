// CueRelation cues as data (cues.txt beside this file): what a question asks (又叫什么, 在哪里, 为什么) and the words a
// sentence that answers it usually has (又称, 位于, 因为). The sentence holding the answer often shares fewer of
// the question's words than one that only repeats the question; the cue tells them apart.
import { readFileSync } from "node:fs";

const CUES_FILE = new URL("./cues.txt", import.meta.url);

export interface CueRelation {
  name: string;
  question: RegExp;
  sentence: RegExp;
}

let relations: CueRelation[] | undefined;

/** The relations of cues.txt, read once; a malformed line is an error at load, not a silent skip. */
export function cueRelations(): CueRelation[] {
  relations ??= readFileSync(CUES_FILE, "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => {
      const [name, question, sentence, ...rest] = line.split("\t");
      if (!name || !question || !sentence || rest.length > 0) throw new Error(`cues.txt: malformed line: ${line}`);
      return { name, question: new RegExp(question), sentence: new RegExp(sentence) };
    });
  return relations;
}

/** The relations a question (normalised) asks. */
export function askedRelations(question: string): CueRelation[] {
  return cueRelations().filter((r) => r.question.test(question));
}

/** 1 when a normalised sentence has the cue of a relation asked, 0 when it has none or none is asked. */
export function cueFit(norm: string, asked: CueRelation[]): number {
  return asked.some((r) => r.sentence.test(norm)) ? 1 : 0;
}

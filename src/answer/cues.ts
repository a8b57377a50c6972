// CueRelation cues as data (cues.txt beside this file): what a question asks (又叫什么, 在哪里, 为什么) and the words a
// sentence that answers it usually has (又称, 位于, 因为). The sentence holding the answer often shares fewer of
// the question's words than one that only repeats the question; the cue tells them apart.
import { patternAt, readTable } from "../text/data-file.js";
import { ASKS } from "./asked.js";

const CUES_FILE = new URL("./cues.txt", import.meta.url);

export interface CueRelation {
  name: string;
  question: RegExp;
  sentence: RegExp;
}

let relations: CueRelation[] | undefined;

/** lexicon/asks.txt's patterns of a name, as one group for a cue pattern's @NAME. */
function asksGroup(name: string): string {
  const patterns = ASKS.get(name);
  if (!patterns) throw new Error(`cues.txt: @${name} is not a name in lexicon/asks.txt`);
  return `(?:${patterns.map((p) => p.source).join("|")})`;
}

/** The relations of cues.txt, read once; a malformed line is an error at load, not a silent skip. */
export function cueRelations(): CueRelation[] {
  relations ??= readTable(CUES_FILE, 3).map((row) => {
    const [name, question, sentence] = row.columns as [string, string, string];
    const expanded = question.replace(/@([a-z-]+)/g, (_, asked: string) => asksGroup(asked));
    return { name, question: patternAt(CUES_FILE, row, expanded), sentence: patternAt(CUES_FILE, row, sentence) };
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

// The table of figures as the answerer reads it: a candidate sentence's rows (src/facts/table.ts: each figure
// with its attribute, subject and time) and the row whose clause best matches what a question counts, by the
// share of character pairs it shares (overlap). Used by the ranking, the excerpt, the alternatives and the
// cross-document answers.
import { rowsOfSentence, type FigureRow } from "../facts/table.js";
import type { Figure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import type { Candidate } from "./candidates.js";
import type { Selection } from "./compose.js";
import type { AnswerContext } from "./context.js";
import type { QuestionPart } from "./question.js";
import { figureFits } from "./spans.js";

export function bigrams(text: string): Set<string> {
  const clean = normalizeForMatch(text).replace(/[^\p{Script=Han}\dA-Za-z]/gu, "");
  const out = new Set<string>();
  for (let i = 0; i + 1 < clean.length; i++) out.add(clean.slice(i, i + 2));
  return out;
}

/** Share of the words of `words` (character pairs) found in `text`. */
export function overlap(words: string, text: string): number {
  const a = bigrams(words);
  if (a.size === 0) return 0;
  const b = bigrams(text);
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / a.size;
}

/** The table rows of a candidate sentence. */
export function rowsOf(app: AnswerContext, candidate: Candidate): FigureRow[] {
  return rowsOfSentence(app.index.figures, candidate.chunk.metadata.source, candidate.text);
}

/** The row of a sentence whose clause best matches the words (what it counts), among figures fitting the part. */
export function bestRow(
  app: AnswerContext,
  pick: Selection,
  part: QuestionPart,
  words: string,
): { figure: Figure; row: FigureRow | undefined; fit: number } | undefined {
  const rows = rowsOf(app, pick.candidate);
  let best: { figure: Figure; row: FigureRow | undefined; fit: number } | undefined;
  for (const figure of pick.candidate.figures) {
    if (!figureFits(figure, part) || figure.kind === "number") continue;
    const row = rows.find((r) => normalizeForMatch(r.text) === figure.text);
    const context = row ? `${row.before} ${row.attribute} ${row.after}` : pick.candidate.norm;
    const fit = overlap(words, context) + 0.5 * overlap(words, row ? `${row.subject}${row.time}` : "");
    if (!best || fit > best.fit) best = { figure, row, fit };
  }
  return best;
}

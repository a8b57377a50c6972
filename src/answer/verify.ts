// The last check before an answer is shown: every figure in the answer (a number with its unit, a date, a
// percentage) stands in the quote of a citation that the answer's sentence names with [n].
import { extractFigures, sameFigure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
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

/** Checks the figures of each answer sentence against the quotes of the citations that sentence names. */
export function verifyFigures(answer: string, citations: Citation[]): VerifyResult {
  const byN = new Map(citations.map((c) => [c.n, c]));
  const unsupported: string[] = [];
  const unknownMarkers = markersIn(answer).filter((n) => !byN.has(n));
  const sentences = answer.match(/[^。！？；\n]+[。！？；\n]?(?:\s*(?:\[\d+\])+)?/g) ?? [answer];
  for (const sentence of sentences) {
    const cited = markersIn(sentence);
    const pool = (cited.length ? cited : [...byN.keys()]).map((n) => byN.get(n)).filter((c): c is Citation => !!c);
    const quoteFigures = pool.flatMap((c) => extractFigures(normalizeForMatch(c.quote)));
    for (const fig of extractFigures(normalizeForMatch(sentence.replace(/\[\d+\]/g, "")))) {
      if (!quoteFigures.some((q) => sameFigure(fig, q))) unsupported.push(fig.text);
    }
  }
  return { ok: unsupported.length === 0 && unknownMarkers.length === 0, unsupported, unknownMarkers };
}

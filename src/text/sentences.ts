// Chinese sentence splitting: a sentence ends at 。！？； (full or half width) or an ellipsis, together with any
// closing quotes or brackets that follow it. Used by the chunker and by the answerer to quote whole sentences.

const END = "。！？!?；;…";

/**
 * The longest sentence: a longer run without sentence punctuation (a list of lines, a table flattened, a file of
 * figures separated by commas) is cut at the last break in its second half (a line break, else a clause's
 * punctuation, else a space), else at this length. Every step after (chunks, the table of figures, quotes) is
 * then bounded per sentence. No sentence of the seeds, the news reports, CMRC or DRCD is longer than 421 characters.
 */
export const MAX_SENTENCE_CHARS = 500;
/** Where an over-long sentence is cut, strongest first: a line break, a clause's punctuation, a space. */
const BREAKS = [/\n/, /[，,；;、：:]/, / /];
const CLOSERS = "”’」』）)】》\"'";

export interface Sentence {
  text: string;
  start: number;
  end: number;
}

/** Splits text into sentences with their offsets; white space between sentences is not part of any. */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    let s = start;
    while (s < end && /\s/.test(text[s] ?? "")) s++;
    let e = end;
    while (e > s && /\s/.test(text[e - 1] ?? "")) e--;
    while (e - s > MAX_SENTENCE_CHARS) {
      let cut = s + MAX_SENTENCE_CHARS;
      for (const brk of BREAKS) {
        let at = s + MAX_SENTENCE_CHARS;
        while (at > s + MAX_SENTENCE_CHARS / 2 && !brk.test(text[at - 1] ?? "")) at--;
        if (at > s + MAX_SENTENCE_CHARS / 2) {
          cut = at;
          break;
        }
      }
      // Never between the two halves of a character outside the BMP.
      if (/[\udc00-\udfff]/.test(text[cut] ?? "")) cut--;
      let pieceEnd = cut;
      while (pieceEnd > s && /\s/.test(text[pieceEnd - 1] ?? "")) pieceEnd--;
      if (pieceEnd > s) out.push({ text: text.slice(s, pieceEnd), start: s, end: pieceEnd });
      s = cut;
      while (s < e && /\s/.test(text[s] ?? "")) s++;
    }
    if (e > s) out.push({ text: text.slice(s, e), start: s, end: e });
    start = end;
  };
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "\n" && text[i + 1] === "\n") {
      push(i);
      i += 2;
      continue;
    }
    if (END.includes(ch)) {
      // A half-width ; or ! inside Latin text or a number is not a sentence end.
      let j = i + 1;
      while (j < text.length && (END.includes(text[j] ?? "") || CLOSERS.includes(text[j] ?? ""))) j++;
      push(j);
      i = j;
      continue;
    }
    i++;
  }
  push(text.length);
  return out;
}

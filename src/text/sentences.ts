// Chinese sentence splitting: a sentence ends at 。！？； (full or half width) or an ellipsis, together with any
// closing quotes or brackets that follow it. Used by the chunker and by the answerer to quote whole sentences.

const END = "。！？!?；;…";
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

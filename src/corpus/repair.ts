// Repairs text extracted from newspaper PDFs: lines broken every ~15 characters with a blank line after each,
// digits split by spaces (3 . 5 万余人, 3 5 . 4 3 %), spaces between Chinese characters, a figure whose unit
// fell on the next line (19 / 个), and blocks repeated by the extractor. Headings (short lines without
// sentence punctuation) stay paragraphs of their own. The repaired text keeps the document's own characters
// (traditional or full-width ones included), so quotes stay faithful; matching normalises separately.

import type { Block } from "./structure.js";

const SENTENCE_END = /[。！？!?；;…：:”’」』）)】》"]$/;
const CJK = String.raw`\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’`;
const SPACE_AROUND_CJK = new RegExp(String.raw`(?<=[${CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[${CJK}])`, "g");
const SPACE_IN_NUMBER = /(?<=[\d.])[ \t\u00a0]+(?=[\d.%])|(?<=\d)[ \t\u00a0]+(?=[.%])/g;

/** Removes the spaces a PDF extractor puts inside numbers and between Chinese characters. */
export function joinSplitDigits(line: string): string {
  return line.replace(SPACE_IN_NUMBER, "").replace(SPACE_AROUND_CJK, "");
}

function isHeadingCandidate(line: string): boolean {
  return line.length <= 30 && !SENTENCE_END.test(line) && !/[，,。；;]/.test(line.slice(0, -1)) && !/\d$/.test(line);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Rebuilds paragraphs from wrapped lines. A line ends its paragraph when it ends a sentence and is shorter than
 * the lines around it (the last line of a paragraph), or when it is a heading: short, with no sentence
 * punctuation, standing after a finished paragraph and clearly shorter than the column it sits in.
 */
export function rebuildParagraphs(lines: string[]): string[] {
  const paragraphs: string[] = [];
  let current = "";
  const flush = (): void => {
    if (current) paragraphs.push(current);
    current = "";
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const neighbours = [lines[i - 2], lines[i - 1], lines[i + 1], lines[i + 2]]
      .filter((l): l is string => l !== undefined && l.length < 60)
      .map((l) => l.length);
    const column = median(neighbours);
    const atParagraphStart = current === "";
    if (atParagraphStart && isHeadingCandidate(line) && (column === 0 || line.length <= column * 0.75)) {
      paragraphs.push(line);
      continue;
    }
    const needsSpace = /[A-Za-z0-9]$/.test(current) && /^[A-Za-z]/.test(line);
    current += needsSpace ? ` ${line}` : line;
    const wrapped = column > 0 && line.length >= column * 0.8 && line.length < 60;
    if (SENTENCE_END.test(line) && !wrapped) flush();
  }
  flush();
  return paragraphs;
}

/** Drops sentences of 12 or more characters already seen earlier in the document (blocks the PDF repeated). */
export function dropRepeatedSentences(paragraphs: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    const pieces = paragraph.match(/[^。！？!?；;]+[。！？!?；;]*[”’」』）)]*/g) ?? [paragraph];
    const kept = pieces.filter((piece) => {
      const key = piece.replace(/\s+/g, "");
      if (key.length < 12) return true;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const text = kept.join("").trim();
    if (text) out.push(text);
  }
  return out;
}

/** Repaired units of lines an extractor broke: rebuilt paragraphs, repeats dropped, headings kept as such. */
export function repairedBlocks(rawLines: string[]): Block[] {
  const lines = rawLines.map((l) => joinSplitDigits(l.trim())).filter((l) => l !== "");
  return dropRepeatedSentences(rebuildParagraphs(lines)).map((text) => ({
    kind: isHeadingCandidate(text) ? "heading" : "text",
    text,
  }));
}

/** Full repair of extracted text: paragraphs separated by a blank line. */
export function repairPdfText(raw: string): string {
  return repairedBlocks(
    raw
      .replace(/\r\n?/g, "\n")
      .replace(/\uFFFD/g, "")
      .split("\n"),
  )
    .map((b) => b.text)
    .join("\n\n");
}

// Plain-text rendering of an answer for the terminal (`ask` without --json, the terminal chat): the answer,
// then the numbered citations with title, file, date, origin and quote, or for a refusal the closest passages as leads.
import type { AnswerResult, Citation } from "../answer/types.js";

/** Where a citation comes from, as the bot and the terminal show it: file · date · origin (those it has). */
export function citedFrom(c: Pick<Citation, "source" | "date" | "origin">): string {
  return [c.source, c.date, c.origin].filter(Boolean).join(" · ");
}

const LEADS = 3;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function renderPlain(result: AnswerResult): string {
  const lines = [result.answer];
  if (result.answered) {
    lines.push("", "出处：");
    for (const c of result.citations) lines.push(`[${c.n}] ${c.title}（${citedFrom(c)}）`, `    “${c.quote}”`);
  } else if (result.passages.length > 0) {
    lines.push("", "最接近的段落：");
    result.passages.slice(0, LEADS).forEach((p, i) => lines.push(`${i + 1}. ${p.source}：${shorten(p.text, 80)}`));
  }
  return lines.join("\n");
}

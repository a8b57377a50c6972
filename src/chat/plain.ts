// Plain-text rendering of an answer for the terminal (`ask` without --json, the terminal chat): the answer,
// then the numbered citations with title, file and quote, or for a refusal the closest passages as leads.
import type { AnswerResult } from "../answer/types.js";

const LEADS = 3;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function renderPlain(result: AnswerResult): string {
  const lines = [result.answer];
  if (result.answered) {
    lines.push("", "出处：");
    for (const c of result.citations) lines.push(`[${c.n}] ${c.title}（${c.source}）`, `    “${c.quote}”`);
  } else if (result.passages.length > 0) {
    lines.push("", "最接近的段落：");
    result.passages.slice(0, LEADS).forEach((p, i) => lines.push(`${i + 1}. ${p.source}：${shorten(p.text, 80)}`));
  }
  return lines.join("\n");
}

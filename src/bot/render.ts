// Answers as Telegram HTML: every string from documents and users escaped, figures in bold, citations as a
// numbered list (title, file, date, origin, quoted sentence), refusals with the closest passages as leads; and
// splitting of long replies under Telegram's 4096 UTF-16 units at paragraph boundaries, never inside a tag.
import type { AnswerResult, PassageOut } from "../answer/types.js";
import { citedFrom } from "../chat/plain.js";
import { extractFigures } from "../text/figures.js";

export const TELEGRAM_LIMIT = 4096;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Escapes text and puts every figure (1.32亿元, 35.43%, 2022年7月) in bold; [n] markers stay plain. */
export function boldFigures(text: string): string {
  let out = "";
  let pos = 0;
  for (const fig of extractFigures(text)) {
    // The n of a citation marker [n] is not a figure.
    if (text[fig.start - 1] === "[" && text[fig.end] === "]") continue;
    out += escapeHtml(text.slice(pos, fig.start)) + `<b>${escapeHtml(fig.text)}</b>`;
    pos = fig.end;
  }
  return out + escapeHtml(text.slice(pos));
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The reply as HTML blocks (paragraphs); `joinBlocks` or `splitMessage` turns them into messages. */
export function renderAnswerBlocks(result: AnswerResult): string[] {
  const blocks = [boldFigures(result.answer)];
  if (result.answered) {
    const list = result.citations.map(
      (c) => `${c.n}. <b>${escapeHtml(c.title)}</b>（${escapeHtml(citedFrom(c))}）\n<i>“${escapeHtml(c.quote)}”</i>`,
    );
    blocks.push(`<b>出处</b>\n${list.join("\n")}`);
  } else if (result.passages.length > 0) {
    const leads = result.passages
      .slice(0, 3)
      .map((p, i) => `${i + 1}. ${escapeHtml(p.source)}：${escapeHtml(shorten(p.text, 80))}`);
    blocks.push(`<b>最接近的段落</b>（仅供参考）\n${leads.join("\n")}`);
  }
  return blocks;
}

/** Characters of a passage the 原文 button shows: a window around the quote, always one message. */
export const SOURCE_WINDOW_CHARS = 1200;

/** The window of a passage's text around the quoted sentence (or its start), with … where it was cut. */
export function sourceWindow(text: string, quote = "", max = SOURCE_WINDOW_CHARS): string {
  if (text.length <= max) return text;
  const at = quote ? Math.max(text.indexOf(quote.slice(0, 40)), 0) : 0;
  const start = Math.max(0, Math.min(at - Math.floor((max - Math.min(quote.length, max)) / 2), text.length - max));
  const end = Math.min(text.length, start + max);
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** Where a passage stands in its document: 第 3 段（共 12 段）, from its chunk id (source#index). */
export function passagePosition(chunkId: string, chunks: number | undefined): string {
  const index = Number(/#(\d+)$/.exec(chunkId)?.[1]);
  if (!Number.isInteger(index)) return "";
  return chunks ? `第 ${index + 1} 段（共 ${chunks} 段）` : `第 ${index + 1} 段`;
}

/**
 * The passage behind a citation, for the 原文 button: title, file and position in the document, then a window of
 * the passage around the quote, one message whatever the document looks like.
 */
export function renderPassage(
  n: number,
  passage: PassageOut,
  title: string,
  where: { quote?: string; chunks?: number } = {},
): string[] {
  const position = passagePosition(passage.chunkId, where.chunks);
  const head = `<b>原文 ${n}</b> · ${escapeHtml(title)}（${escapeHtml(passage.source)}${position ? `，${position}` : ""}）`;
  return [head, escapeHtml(sourceWindow(passage.text, where.quote))];
}

function utf16Length(text: string): number {
  return text.length;
}

/** Cuts plain text (not yet escaped) into pieces whose escaped form fits in limit. */
function cutPlain(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const ch of text) {
    if (utf16Length(escapeHtml(current + ch)) > limit) {
      pieces.push(current);
      current = "";
    }
    current += ch;
  }
  if (current) pieces.push(current);
  return pieces;
}

const TAG = /<\/?[a-z]+[^>]*>/g;

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/**
 * Joins blocks into messages of at most `limit` UTF-16 units, breaking only between blocks. A single block
 * longer than the limit loses its markup and is cut as escaped plain text, so no tag is ever split.
 */
export function splitMessage(blocks: string[], limit = TELEGRAM_LIMIT): string[] {
  const messages: string[] = [];
  let current = "";
  const flush = (): void => {
    if (current) messages.push(current);
    current = "";
  };
  for (const block of blocks) {
    const parts =
      utf16Length(block) <= limit ? [block] : cutPlain(unescapeHtml(block.replace(TAG, "")), limit).map(escapeHtml);
    for (const part of parts) {
      const joined = current ? `${current}\n\n${part}` : part;
      if (utf16Length(joined) <= limit) current = joined;
      else {
        flush();
        current = part;
      }
    }
  }
  flush();
  return messages;
}

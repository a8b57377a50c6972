// The structure of a document as units: headings, running text, list items, table rows (each row with its
// header: 项目：卡嘎镇便民服务中心，投资：489万元。) and photo captions. Text whose lines were broken by a PDF
// extractor is detected per document and repaired (src/corpus/repair.ts); any other text keeps its lines'
// structure: a heading, a list item or a table row is never glued to its neighbours.
import { tagWords } from "../text/tokenize.js";
import { joinSplitDigits, repairedBlocks } from "./repair.js";

export type BlockKind = "heading" | "text" | "list" | "row" | "caption";

export interface Block {
  kind: BlockKind;
  text: string;
}

const SENTENCE_END = /[。！？!?；;…]$/;
/** A line that closes a sentence, a quotation or a bracket: the end of a paragraph's last sentence. */
const CLOSED = /[。！？!?；;…：:”’」』）)】》"]$/;

/** 一、基本情况 · （二）产业帮扶 · 第一章 · 第三节: headings by their numbering. */
const NUMBERED_HEADING =
  /^(?:第[一二三四五六七八九十百零\d]+[章节部分篇编]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])/;
/** - item · * item · • item · 1. item · 1) item · (1) item · ① item. */
const BULLET = /^(?:[-*+•·●▪◆■]\s+|[-*+•·●▪◆■](?=\S)|\d{1,3}[.)、．]\s*(?=\S)|[（(]\d{1,3}[)）]\s*|[①-⑳])/;
const MARKDOWN_HEADING = /^#{1,6}\s*([^#\s].*?)\s*#*$/;
const TABLE_ROW = /^\|.*\|$/;
const TABLE_RULE = /^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$/;

/** A short line without sentence punctuation inside it: a heading or a list entry, not running text. */
function isShortUnterminated(line: string): boolean {
  return line.length <= 30 && !/[。！？!?；;]/.test(line);
}

/**
 * Whether a document's lines were broken by a PDF extractor: many short lines that stop mid-sentence, most of
 * them about the same length (the column width), with the sentences' commas inside them. A list (short lines
 * without punctuation) or prose with one paragraph per line is not damage.
 */
export function hasLineBreakDamage(lines: string[]): boolean {
  const nonEmpty = lines.map((l) => l.trim()).filter(Boolean);
  if (nonEmpty.length < 8) return false;
  const open = nonEmpty.filter((l) => !CLOSED.test(l));
  if (open.length < nonEmpty.length * 0.5) return false;
  const lengths = open.map((l) => l.length).sort((a, b) => a - b);
  const column = lengths[Math.floor(lengths.length / 2)] ?? 0;
  if (column < 10 || column > 40) return false;
  const atColumn = lengths.filter((n) => n >= column * 0.8 && n <= column * 1.2).length;
  // Broken prose carries its commas inside the lines; list entries (新建学校6所) have none.
  const withCommas = open.filter((l) => /[，,、；;。]/.test(l.slice(0, -1))).length;
  return atColumn >= open.length * 0.5 && withCommas >= open.length * 0.3;
}

/** A table's rows as units that keep their header: 项目：卡嘎镇便民服务中心，投资：489万元。 */
export function tableRows(rows: string[][]): Block[] {
  const [header, ...body] = rows;
  if (!header) return [];
  if (body.length === 0) return [{ kind: "text", text: header.filter(Boolean).join("，") }];
  return body
    .map((cells) => {
      const pairs = cells
        .map((cell, i) => [header[i]?.trim() ?? "", cell.trim()] as const)
        .filter(([, value]) => value !== "")
        .map(([name, value]) => (name ? `${name}：${value}` : value));
      const text = pairs.join("，");
      return { kind: "row" as const, text: text && !SENTENCE_END.test(text) ? `${text}。` : text };
    })
    .filter((b) => b.text !== "");
}

function markdownCells(line: string): string[] {
  return line
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
}

/**
 * Units of a document whose lines are its own (not broken by an extractor): a blank line ends a paragraph;
 * headings (Markdown #, 一、, （二）, 第一章, or a short line alone), list items (bullets, numbers, or a run of
 * short lines such as 新建学校6所 / 新建冷库12座) and table rows are units of their own; other lines of a
 * paragraph are joined.
 */
export function lineBlocks(raw: string): Block[] {
  const lines = raw.split("\n").map((l) => joinSplitDigits(l.trim()));
  const blocks: Block[] = [];
  let paragraph = "";
  const flush = (): void => {
    if (paragraph) blocks.push({ kind: "text", text: paragraph });
    paragraph = "";
  };
  const shortAt = (i: number): boolean => {
    const l = lines[i] ?? "";
    return l !== "" && isShortUnterminated(l) && !TABLE_ROW.test(l);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") {
      flush();
      continue;
    }
    if (TABLE_ROW.test(line)) {
      flush();
      const rows: string[][] = [];
      for (; i < lines.length && TABLE_ROW.test(lines[i] ?? ""); i++) {
        if (!TABLE_RULE.test(lines[i] ?? "")) rows.push(markdownCells(lines[i] ?? ""));
      }
      i--;
      for (const row of tableRows(rows)) blocks.push(row);
      continue;
    }
    const markdown = MARKDOWN_HEADING.exec(line);
    if (markdown?.[1]) {
      flush();
      blocks.push({ kind: "heading", text: markdown[1] });
      continue;
    }
    if (NUMBERED_HEADING.test(line) && line.length <= 40 && !/[。！？!?]/.test(line.slice(0, -1))) {
      flush();
      blocks.push({ kind: "heading", text: line });
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      flush();
      // Bullets go; numbers stay (第1项 and 1. may be what a question refers to).
      const text = /^[-*+•·●▪◆■]/.test(bullet[0]) ? line.slice(bullet[0].length).trim() : line;
      if (text) blocks.push({ kind: "list", text });
      continue;
    }
    if (shortAt(i) && paragraph === "") {
      // A run of short lines is a list (新建学校6所 / 新建冷库12座); a short line alone is a heading.
      const inRun = shortAt(i - 1) || shortAt(i + 1);
      flush();
      blocks.push({ kind: inRun ? "list" : "heading", text: line });
      continue;
    }
    const needsSpace = /[A-Za-z0-9,.]$/.test(paragraph) && /^[A-Za-z0-9]/.test(line);
    paragraph += needsSpace ? ` ${line}` : line;
    // A line that ends its sentence ends its paragraph; a line that stops mid-sentence runs on.
    if (/[。！？!?]["”’」』）)]*$/.test(line)) flush();
  }
  flush();
  return blocks;
}

/**
 * Moves photo captions and stray headlines out of the sentence they interrupt: a paragraph of prose that stops
 * mid-sentence (no closing punctuation), then one to three short units, then the rest of the sentence. The
 * paragraph is rejoined with its continuation and the short units follow it as captions.
 */
export function moveCaptions(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as Block;
    // Prose (it has a comma inside) that stops without punctuation, mid-sentence. A short one may read as a
    // heading; it is taken as broken only if a word runs on into the continuation (乡村振 | 兴有效衔接).
    const open = /[，,、]/.test(block.text) && /[\p{Script=Han}\d]$/u.test(block.text);
    const broken = open && (block.kind === "text" || block.kind === "heading");
    if (!broken) {
      out.push(block);
      continue;
    }
    // The continuation: within the next three units, past short ones only; a word runs on into it (振 | 兴),
    // or, after prose, it is a long paragraph of its own.
    let j = -1;
    for (let k = i + 2; k <= i + 4 && k < blocks.length; k++) {
      const between = blocks.slice(i + 1, k);
      if (between.some((b) => b.text.length > 30 || b.kind === "row")) break;
      const candidate = blocks[k] as Block;
      if (candidate.kind !== "text" || !/^\p{Script=Han}/u.test(candidate.text)) continue;
      if (wordRunsOn(block.text, candidate.text) || (block.kind === "text" && candidate.text.length > 30)) {
        j = k;
        break;
      }
    }
    const next = blocks[j];
    if (j < 0 || !next) {
      out.push(block);
      continue;
    }
    out.push({ kind: "text", text: block.text + next.text });
    for (const caption of blocks.slice(i + 1, j)) out.push({ kind: "caption", text: caption.text });
    i = j;
  }
  return out;
}

/**
 * The headline a text opens with: its first lines while they are short, hold no full stop and have not ended
 * in a closing quote (夯实思想之基，在扎实做好 / 援助工作中展现“山东担当”), stopping before a subtitle (——…).
 * Returns the headline and how many lines it took, or undefined when the text opens with a body sentence.
 */
export function leadingHeadline(lines: string[]): { text: string; lines: number } | undefined {
  // Where every line is followed by a blank one (the seeds' extraction), blank lines say nothing.
  const filled = lines.filter((l) => l.trim() !== "").length;
  const blankAfter = lines.filter((l, i) => l.trim() !== "" && (lines[i + 1] ?? "").trim() === "").length;
  const rhythm = filled > 0 && blankAfter >= filled * 0.7;
  // Body lines run the column's full width; a headline line is shorter unless it closes with a quote.
  const open = lines
    .map((l) => l.trim())
    .filter((l) => l && !CLOSED.test(l))
    .map((l) => l.length)
    .sort((a, b) => a - b);
  const column = open[Math.floor(open.length / 2)] ?? 0;
  let text = "";
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") {
      if (text && !rhythm) break;
      continue;
    }
    if (/[。！？!?；;]/.test(line) || (text && line.startsWith("——")) || text.length + line.length > 40) break;
    if (column > 0 && line.length >= column * 0.8 && !/[”’」』》)）]$/.test(line)) break;
    text += line;
    used = i + 1;
    if (/[”’」』》)）]$/.test(line)) break;
  }
  return text.length >= 4 ? { text, lines: used } : undefined;
}

/** Whether jieba reads a word across the join of two texts (乡村振 + 兴有效 → 振兴): one sentence cut in two. */
export function wordRunsOn(left: string, right: string): boolean {
  const a = left.slice(-6);
  let pos = 0;
  for (const { word } of tagWords(a + right.slice(0, 6))) {
    if (pos < a.length && pos + word.length > a.length) return true;
    pos += word.length;
  }
  return false;
}

/** Units of extracted or plain text: repaired where the lines were broken, kept as they are otherwise. */
export function textBlocks(raw: string): Block[] {
  const lines = raw
    .replace(/\r\n?/g, "\n")
    .replace(/\uFFFD/g, "")
    .split("\n");
  if (!hasLineBreakDamage(lines)) return moveCaptions(lineBlocks(lines.join("\n")));
  const headline = leadingHeadline(lines);
  const rest = headline ? lines.slice(headline.lines) : lines;
  return [...(headline ? [{ kind: "heading" as const, text: headline.text }] : []), ...repairedBlocks(rest)];
}

/** A title for a document: its headline when it opens with one, else its first heading, else the file name. */
export function titleOf(blocks: Block[], source: string): string {
  const first = blocks[0];
  const headingLike = (b: Block): boolean =>
    b.kind === "heading" || (b.text.length <= 40 && !/[。！？!?；;]/.test(b.text));
  if (first && headingLike(first)) return first.text;
  const heading = blocks.find((b) => b.kind === "heading");
  if (heading) return heading.text;
  // A short first line that is not a sentence (停止！！云雀) still names the document.
  if (first && first.text.length <= 40 && !/[。；;]/.test(first.text)) return first.text;
  const base = source.split("/").pop() ?? source;
  return base.replace(/\.[^.]+$/, "");
}

/** The text of the units, a blank line between them, and where each heading starts in it. */
export function joinBlocks(blocks: Block[]): { text: string; headings: number[] } {
  const headings: number[] = [];
  let text = "";
  for (const block of blocks) {
    if (text) text += "\n\n";
    if (block.kind === "heading") headings.push(text.length);
    text += block.text;
  }
  return { text, headings };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

/**
 * Units of the HTML a Word document converts to (mammoth): h1–h6 are headings, li list items, table rows keep
 * their header, p paragraphs; a short paragraph alone reads as a heading, a run of them as a list.
 */
export function htmlBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let kind: BlockKind = "text";
  let buffer = "";
  let table: string[][] | undefined;
  let depth = 0;
  const flush = (): void => {
    const text = buffer.replace(/\s+/g, " ").trim();
    if (text) blocks.push({ kind, text });
    buffer = "";
    kind = "text";
  };
  for (const m of html.matchAll(/<(\/?)([a-zA-Z0-9]+)[^>]*>|([^<]+)/g)) {
    const [, closing, rawTag, text] = m;
    if (text !== undefined) {
      const t = decodeEntities(text);
      if (table) {
        const row = table[table.length - 1];
        if (row && row.length) row[row.length - 1] += t;
      } else buffer += t;
      continue;
    }
    const tag = (rawTag ?? "").toLowerCase();
    if (tag === "table") {
      if (!closing) {
        depth++;
        if (depth === 1) {
          flush();
          table = [];
        }
      } else if (--depth === 0 && table) {
        for (const row of tableRows(table)) blocks.push(row);
        table = undefined;
      }
      continue;
    }
    if (table) {
      if (tag === "tr" && !closing) table.push([]);
      else if ((tag === "td" || tag === "th") && !closing) table[table.length - 1]?.push("");
      else if (tag === "p" && closing) {
        const row = table[table.length - 1];
        if (row && row.length) row[row.length - 1] += " ";
      }
      continue;
    }
    if (/^h[1-6]$/.test(tag) || tag === "p" || tag === "li" || tag === "ul" || tag === "ol") {
      flush();
      if (!closing && /^h[1-6]$/.test(tag)) kind = "heading";
      else if (!closing && tag === "li") kind = "list";
    } else if (tag === "br") buffer += " ";
  }
  flush();
  return moveCaptions(shortParagraphs(blocks));
}

/** Short paragraphs without sentence punctuation: a heading when alone, list items in a run. */
function shortParagraphs(blocks: Block[]): Block[] {
  const short = (b: Block | undefined): boolean => b?.kind === "text" && isShortUnterminated(b.text);
  return blocks.map((b, i) => {
    if (!short(b)) return b;
    return { kind: short(blocks[i - 1]) || short(blocks[i + 1]) ? "list" : "heading", text: b.text };
  });
}

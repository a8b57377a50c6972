// Clean documents → chunks. Chunks are runs of whole Chinese sentences up to a target size, with the last
// sentence(s) of one chunk repeated at the start of the next (overlap), so an answer that straddles a boundary
// is whole in one of them. Each chunk knows its source, title, nearest heading (the loader's headings: embedded
// and searched with the chunk) and character offsets.
import { Document } from "@langchain/core/documents";
import { splitSentences } from "../text/sentences.js";
import type { SourceDocument } from "./load.js";

/** Bump when chunking changes: an index built by another version is rebuilt. */
export const CHUNKER_VERSION = 3;

export interface ChunkOptions {
  /** Target chunk length in characters. */
  size: number;
  /** Characters of trailing sentences carried into the next chunk. */
  overlap: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { size: 240, overlap: 60 };

export interface ChunkMetadata {
  chunkId: string;
  source: string;
  title: string;
  heading: string;
  /**
   * The document's opening text (its first paragraph, up to 160 characters): a report names its subject there
   * (广东省第十批援藏工作队 …), so an entity the question names counts as mentioned by every chunk of it.
   */
  lead?: string;
  /** The document's date and origin (provenance.ts), when it states them: every citation carries them. */
  date?: string;
  origin?: string;
  start: number;
  end: number;
}

export type Chunk = Document<ChunkMetadata>;

/** A paragraph that reads as a heading: short and without sentence punctuation. */
function isHeading(paragraph: string): boolean {
  return paragraph.length <= 30 && !/[。！？!?；;，,]/.test(paragraph);
}

/** Headings with their offsets: those the loader marked, or short unpunctuated paragraphs for other text. */
function headingsOf(doc: SourceDocument): { at: number; text: string }[] {
  if (doc.headings) {
    return doc.headings.map((at) => {
      const end = doc.text.indexOf("\n\n", at);
      return { at, text: doc.text.slice(at, end < 0 ? undefined : end).trim() };
    });
  }
  const headings: { at: number; text: string }[] = [];
  let offset = 0;
  for (const paragraph of doc.text.split("\n\n")) {
    if (isHeading(paragraph.trim())) headings.push({ at: offset, text: paragraph.trim() });
    offset += paragraph.length + 2;
  }
  return headings;
}

/**
 * A report's byline or dateline paragraph (2025年05月31日20:40:18; 来源：人民网 作者：…; 中新网记者范丽芳): short,
 * no sentence end, a date or a byline word. It says when and by whom, not what the report is about.
 */
const BYLINE = /\d{4}\s*[-年/.]\s*\d{1,2}|来源|來源|发布|發佈|作者|编辑|編輯|记者|記者|通讯员|通訊員/;

function isByline(paragraph: string): boolean {
  return paragraph.length <= 60 && !/[。！？!?]/.test(paragraph) && BYLINE.test(paragraph);
}

/** The first paragraph that is neither a heading, the title nor a byline, up to LEAD_CHARS characters. */
function leadOf(doc: SourceDocument): string {
  const headingStarts = new Set(headingsOf(doc).map((h) => h.at));
  let offset = 0;
  for (const paragraph of doc.text.split("\n\n")) {
    const text = paragraph.trim();
    const lead = !headingStarts.has(offset) && text.length > 0 && text !== doc.title.trim() && !isByline(text);
    if (lead) return text.slice(0, LEAD_CHARS);
    offset += paragraph.length + 2;
  }
  return "";
}

const LEAD_CHARS = 160;

/** What a chunk is about beyond its own text: its document's title and lead (for entity agreement). */
export function documentContext(chunk: Chunk): string {
  return `${chunk.metadata.title}\n${chunk.metadata.lead ?? ""}`;
}

export function chunkDocument(doc: SourceDocument, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  const sentences = splitSentences(doc.text);
  const headings = headingsOf(doc);
  const lead = leadOf(doc);
  const headingAt = (pos: number): string => {
    let found = "";
    for (const h of headings) {
      if (h.at <= pos) found = h.text;
      else break;
    }
    return found;
  };

  const chunks: Chunk[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    const startPos = sentences[first]?.start ?? 0;
    while (last + 1 < sentences.length && (sentences[last + 1]?.end ?? 0) - startPos <= options.size) {
      last++;
    }
    const start = startPos;
    const end = sentences[last]?.end ?? start;
    const n = chunks.length;
    chunks.push(
      new Document<ChunkMetadata>({
        pageContent: doc.text.slice(start, end),
        metadata: {
          chunkId: `${doc.source}#${n}`,
          source: doc.source,
          title: doc.title,
          lead,
          ...(doc.date ? { date: doc.date } : {}),
          ...(doc.origin ? { origin: doc.origin } : {}),
          heading: headingAt(start),
          start,
          end,
        },
      }),
    );
    if (last + 1 >= sentences.length) break;
    // Step back over trailing sentences that fit in the overlap, but always advance by at least one.
    let next = last + 1;
    while (next - 1 > first && end - (sentences[next - 1]?.start ?? end) <= options.overlap) next--;
    first = next;
  }
  return chunks;
}

/** The text embedded and indexed for a chunk: title and heading give the passage its context. */
export function indexText(chunk: Chunk): string {
  const { title, heading } = chunk.metadata;
  const head = heading && heading !== title ? `${title} ${heading}` : title;
  return `${head}\n${chunk.pageContent}`;
}

// Files → clean documents. Reads .txt, .md, .pdf and .docx; decodes UTF-8, UTF-16, UTF-32, GB18030 and Big5
// (encoding.ts); repairs PDF-extraction damage; takes a title from the document itself.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { decodeBytes, EncodingError } from "./encoding.js";
import { provenanceOf } from "./provenance.js";
import { htmlBlocks, joinBlocks, textBlocks, titleOf, type Block } from "./structure.js";
import { ZipLimitError, checkZip } from "./zip.js";

export const SUPPORTED_EXTENSIONS = [".txt", ".md", ".pdf", ".docx"] as const;

export interface SourceDocument {
  /** Path relative to the docs folder, with forward slashes (for the seeds: the file name). */
  source: string;
  title: string;
  /** Repaired text: units (paragraphs, headings, list items, table rows, captions) separated by blank lines. */
  text: string;
  /** Where each heading unit starts in `text`: chunks start at headings and carry the nearest one. */
  headings?: number[];
  /** SHA-256 of the file's bytes: the index re-reads a file only when this changes. */
  hash: string;
  /** When and by whom it was published, as the document states it (provenance.ts); absent when it does not. */
  date?: string;
  origin?: string;
  /** For text files: the encoding it was read in, and how many stray bytes were replaced (reported, not refused). */
  encoding?: string;
  replaced?: number;
}

/** Bounds on the work one document may cause, whoever sends it: checked before and while parsing. */
export const DOCUMENT_LIMITS = {
  /** Most bytes a .docx may unpack to (declared sizes, checked before inflating). */
  maxUnzippedBytes: 50 * 1024 * 1024,
  maxZipEntries: 5000,
  /** Most characters of text one document may yield (about 30 books). */
  maxChars: 5_000_000,
  maxPdfPages: 2000,
};

/** Why a document was refused: unreadable bytes, a limit passed, or no real text in it. */
export type DocumentProblem = "unreadable" | "limit" | "no-text" | "encoding";

export class DocumentError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly problem: DocumentProblem = "unreadable",
  ) {
    super(`${source}: ${message}`);
  }
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Decodes text bytes (encoding.ts): the text alone, for callers that need no more. */
export function decodeText(bytes: Uint8Array): string {
  return decodeBytes(bytes).text;
}

class LimitPassed extends Error {}

/** A PDF's creation date from its metadata (D:20240331…), as an ISO date; undefined when absent or odd. */
function pdfCreationDate(info: unknown): string | undefined {
  const raw = (info as { CreationDate?: unknown } | undefined)?.CreationDate;
  const m = typeof raw === "string" ? /^(?:D:)?(\d{4})(\d{2})(\d{2})/.exec(raw) : null;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

async function extractPdfText(bytes: Uint8Array): Promise<{ text: string; date?: string }> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  if (pdf.numPages > DOCUMENT_LIMITS.maxPdfPages) {
    throw new LimitPassed(`${pdf.numPages} pages, limit ${DOCUMENT_LIMITS.maxPdfPages}`);
  }
  const { text } = await extractText(pdf, { mergePages: false });
  const meta = await pdf.getMetadata().catch(() => undefined);
  const date = pdfCreationDate(meta?.info);
  return { text: (Array.isArray(text) ? text : [text]).join("\n"), ...(date ? { date } : {}) };
}

async function extractDocxBlocks(bytes: Uint8Array): Promise<Block[]> {
  try {
    checkZip(bytes, { maxTotalBytes: DOCUMENT_LIMITS.maxUnzippedBytes, maxEntries: DOCUMENT_LIMITS.maxZipEntries });
  } catch (err) {
    if (err instanceof ZipLimitError) throw new LimitPassed(err.message);
    throw err;
  }
  const mammoth = await import("mammoth");
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
  return htmlBlocks(value);
}

/** Reads one file into a clean document; throws DocumentError with the reason when it holds no usable text. */
export async function loadDocument(path: string, source: string, bytes?: Uint8Array): Promise<SourceDocument> {
  const data = bytes ?? new Uint8Array(await readFile(path));
  const ext = extname(path).toLowerCase();
  let raw: string;
  let docxBlocks: Block[] | undefined;
  let encoding: string | undefined;
  let pdfDate: string | undefined;
  let replaced: number | undefined;
  try {
    if (ext === ".pdf") ({ text: raw, date: pdfDate } = await extractPdfText(data));
    else if (ext === ".docx") {
      docxBlocks = await extractDocxBlocks(data);
      raw = docxBlocks.map((b) => b.text).join("\n");
    } else if (ext === ".txt" || ext === ".md") ({ text: raw, encoding, replaced } = decodeBytes(data));
    else throw new Error(`unsupported file type "${ext}" (supported: ${SUPPORTED_EXTENSIONS.join(", ")})`);
  } catch (err) {
    if (err instanceof LimitPassed) throw new DocumentError(source, `too large to read: ${err.message}`, "limit");
    if (err instanceof EncodingError) throw new DocumentError(source, err.message, "encoding");
    throw new DocumentError(
      source,
      `cannot read ${ext || "file"}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (raw.length > DOCUMENT_LIMITS.maxChars) {
    throw new DocumentError(
      source,
      `too large to read: ${raw.length} characters, limit ${DOCUMENT_LIMITS.maxChars}`,
      "limit",
    );
  }
  const visibleRaw = raw.replace(/\s+/g, "");
  const undecodable = (visibleRaw.match(/\uFFFD/g) ?? []).length;
  if (undecodable > visibleRaw.length * 0.05) throw new DocumentError(source, "text is mostly undecodable bytes");
  const blocks = docxBlocks ?? textBlocks(raw);
  const { text, headings } = joinBlocks(blocks);
  if (text.replace(/\s+/g, "").length < 10) {
    throw new DocumentError(source, "no readable text (a scanned PDF, or an empty file?)", "no-text");
  }
  // Letters and digits, not only punctuation, symbols or the replacement character.
  if ((text.match(/[\p{L}\p{N}]/gu) ?? []).length < 10) {
    throw new DocumentError(source, "no real text (punctuation or symbols only)", "no-text");
  }
  const decoded = encoding ? { encoding, replaced } : {};
  const title = titleOf(blocks, source);
  // The dateline sits under the headline: read from the text as extracted (before repairs join its lines) after
  // the title, or else the PDF's own creation date.
  const opening = raw.trimStart();
  const body = opening.startsWith(title) ? opening.slice(title.length) : opening;
  const { date, origin } = provenanceOf(body);
  const provenance = { ...((date ?? pdfDate) ? { date: date ?? pdfDate } : {}), ...(origin ? { origin } : {}) };
  return { source, title, text, headings, hash: hashBytes(data), ...provenance, ...decoded };
}

/** A file or folder under the docs folder that is not read, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/**
 * Every supported file under dir (recursive), as paths relative to dir with forward slashes, sorted; and what
 * was passed over with the reason: hidden entries (a leading dot), symbolic links (they could lead out of the
 * folder), other file types.
 */
export async function listDocumentFiles(dir: string): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      const path = relative(dir, full).split(sep).join("/");
      if (entry.name.startsWith(".")) skipped.push({ path, reason: "hidden (name starts with a dot)" });
      else if (entry.isSymbolicLink()) skipped.push({ path, reason: "symbolic link (not followed)" });
      else if (entry.isDirectory()) await walk(full);
      else if (!entry.isFile()) skipped.push({ path, reason: "not a regular file" });
      else if ((SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase()))
        files.push(path);
      else skipped.push({ path, reason: `unsupported type ${extname(entry.name) || "(no extension)"}` });
    }
  };
  await walk(dir);
  return { files: files.sort(), skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

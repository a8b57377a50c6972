// Checks on a document an admin uploads before it joins the corpus: a size limit, a supported extension whose
// bytes really are of that type, a safe file name (no path traversal, hidden files, invisible or bidi
// characters, markup), and text that a worker process can read within its limits (zip bombs, endless PDFs and
// punctuation-only files are refused there, never in the bot's own process).
import { randomBytes } from "node:crypto";
import { link, mkdir, rm, writeFile, rename } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { DOCUMENT_LIMITS, SUPPORTED_EXTENSIONS } from "../corpus/load.js";
import type { ReadSummary } from "../worker/protocol.js";
import { READ_LIMITS, WorkerError, runInWorker, type WorkerLimits } from "../worker/run.js";

/** Telegram's Bot API lets bots download files up to 20 MB. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export class UploadError extends Error {
  constructor(
    /** What the admin reads, in Chinese. */
    readonly userMessage: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * A file name that stays inside DOCS_DIR and displays as what it is: no folders, no leading dots, no control,
 * format (bidi overrides, zero-width) or reserved characters; anything but letters, digits, marks and plain
 * punctuation becomes `_`.
 */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, "/"))
    .normalize("NFC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\p{Cc}/gu, "_")
    .replace(/[^\p{L}\p{N}\p{M} ._\-()（）【】《》、，·+]/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+/, "")
    .trim();
  const ext = extname(base).toLowerCase();
  const stem = cutToBytes(base.slice(0, base.length - ext.length), MAX_STEM_BYTES).trim() || "document";
  return `${stem}${ext}`;
}

/**
 * The longest file name stem kept, in UTF-8 bytes: file systems allow 255 bytes a name, and a Chinese character
 * takes three (100 characters of a Chinese name were 300 bytes, and saving failed).
 */
const MAX_STEM_BYTES = 200;

/** The longest start of a text, in whole characters, that is at most `max` bytes in UTF-8. */
function cutToBytes(text: string, max: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

function sniff(bytes: Uint8Array, ext: string): boolean {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (ext === ".pdf") return head.subarray(0, 5).toString("latin1") === "%PDF-";
  if (ext === ".docx") return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  // Text: no NUL bytes in the first 4 KB (UTF-16 files carry a BOM and are allowed).
  const sample = bytes.subarray(0, 4096);
  const utf16 = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  return utf16 || !sample.includes(0);
}

/** The clean name of an upload, refused before download when its type or declared size is not accepted. */
export function checkUploadName(originalName: string, size: number | undefined): string {
  const name = safeFileName(originalName);
  const ext = extname(name).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UploadError(
      `不支持的文件类型“${ext || "无扩展名"}”，请上传 .txt、.md、.pdf 或 .docx 文件。`,
      `unsupported extension ${ext} (${name})`,
    );
  }
  if (size !== undefined && size > MAX_UPLOAD_BYTES) {
    throw new UploadError("文件太大了（上限 20 MB）。", `file too large: ${size} bytes (${name})`);
  }
  return name;
}

/** Refuses downloaded bytes that are empty, too large or not of the type their extension says. */
export function checkUploadBytes(name: string, bytes: Uint8Array): void {
  const ext = extname(name).toLowerCase();
  if (bytes.length === 0) throw new UploadError("文件是空的。", `empty upload ${name}`);
  if (bytes.length > MAX_UPLOAD_BYTES)
    throw new UploadError("文件太大了（上限 20 MB）。", `upload of ${bytes.length} bytes refused (${name})`);
  if (!sniff(bytes, ext))
    throw new UploadError(`文件内容与扩展名 ${ext} 不符，可能已损坏。`, `content does not match ${ext} (${name})`);
}

const MAX_CHARS_WORDS = `${Math.round(DOCUMENT_LIMITS.maxChars / 10_000)} 万字`;
const MAX_UNZIPPED_WORDS = `${Math.round(DOCUMENT_LIMITS.maxUnzippedBytes / 1024 / 1024)} MB`;

/** What the admin is told about how an upload's text was read: a legacy encoding, stray bytes replaced. */
export function readNote(read: ReadSummary): string {
  const notes: string[] = [];
  if (read.encoding && !/^utf/.test(read.encoding)) notes.push(`按 ${read.encoding.toUpperCase()} 编码读取`);
  if (read.replaced) notes.push(`${read.replaced} 处无法识别的字节已替换为空`);
  return notes.length ? `（${notes.join("，")}）` : "";
}

/** Reads a saved upload in a worker process; its title and size, or an UploadError saying why not. */
export async function readUpload(path: string, name: string, limits: WorkerLimits = READ_LIMITS): Promise<ReadSummary> {
  try {
    return await runInWorker<ReadSummary>({ type: "read", path, name }, limits);
  } catch (err) {
    if (!(err instanceof WorkerError)) throw err;
    const detail = `upload ${name} refused: ${err.message}`;
    if (err.reason === "time") throw new UploadError("文件处理超时，已放弃。请检查文件，或拆分后再上传。", detail);
    if (err.reason === "memory")
      throw new UploadError("文件处理占用内存过多，已放弃。请检查文件，或拆分后再上传。", detail);
    if (err.problem === "limit") {
      throw new UploadError(
        `文件内容过大（解压后超过 ${MAX_UNZIPPED_WORDS} 或超过 ${MAX_CHARS_WORDS}），无法处理。`,
        detail,
      );
    }
    if (err.problem === "encoding") {
      const named = /text is in ([\w-]+)/.exec(err.message)?.[1] ?? "未知编码";
      throw new UploadError(
        `文件的编码是 ${named}，不是中文编码。请另存为 UTF-8（或 GB18030、Big5）后再上传。`,
        detail,
      );
    }
    if (err.problem === "no-text")
      throw new UploadError("文件中没有可用的文字（只有标点符号，或是没有文字层的扫描版 PDF）。", detail);
    throw new UploadError("无法从文件中读出文字（扫描版 PDF 或文件已损坏？）。", detail);
  }
}

/** The bytes in a hidden file beside `name` under DOCS_DIR (ingest skips hidden files), for a link or rename. */
async function writeHidden(
  docsDir: string,
  name: string,
  bytes: Uint8Array,
): Promise<{ target: string; hidden: string }> {
  const target = join(docsDir, name);
  await mkdir(dirname(target), { recursive: true });
  const hidden = join(dirname(target), `.upload-${randomBytes(6).toString("hex")}`);
  await writeFile(hidden, bytes);
  return { target, hidden };
}

/** Writes a document over the one of that name in one step (a hidden file renamed): no reader sees half of it. */
export async function replaceDocument(docsDir: string, name: string, bytes: Uint8Array): Promise<void> {
  const { target, hidden } = await writeHidden(docsDir, name, bytes);
  try {
    await rename(hidden, target);
  } finally {
    await rm(hidden, { force: true });
  }
}

/**
 * Places a new document under DOCS_DIR only if no file has its name, atomically: the bytes are written to a
 * hidden file in the same folder (ingest skips hidden files) and hard-linked to the name, which fails when the
 * name exists. Two admins sending the same new name at once: one places it, the other is asked to overwrite.
 */
export async function placeNewDocument(docsDir: string, name: string, bytes: Uint8Array): Promise<boolean> {
  const { target, hidden } = await writeHidden(docsDir, name, bytes);
  try {
    await link(hidden, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await rm(hidden, { force: true });
  }
}

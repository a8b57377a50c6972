// Checks on a document an admin uploads before it joins the corpus: a size limit, a supported extension whose
// bytes really are of that type, readable text, and a safe file name (no path traversal, no hidden files).
import { basename, extname } from "node:path";
import { SUPPORTED_EXTENSIONS, loadDocument, type SourceDocument } from "../corpus/load.js";

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

/** A file name that stays inside DOCS_DIR: no folders, no leading dots, no control or reserved characters. */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, "/"))
    .normalize("NFC")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\p{Cc}/gu, "_")
    .replace(/^\.+/, "")
    .trim();
  const ext = extname(base).toLowerCase();
  const stem = base.slice(0, base.length - ext.length).slice(0, 100) || "document";
  return `${stem}${ext}`;
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

/** Validates an upload and returns its clean document; throws UploadError with a Chinese message. */
export async function checkUpload(originalName: string, size: number | undefined, bytes?: Uint8Array): Promise<{ name: string; doc?: SourceDocument }> {
  const name = safeFileName(originalName);
  const ext = extname(name).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UploadError(`不支持的文件类型“${ext || "无扩展名"}”，请上传 .txt、.md、.pdf 或 .docx 文件。`, `unsupported extension ${ext} (${originalName})`);
  }
  if (size !== undefined && size > MAX_UPLOAD_BYTES) {
    throw new UploadError("文件太大了（上限 20 MB）。", `file too large: ${size} bytes (${originalName})`);
  }
  if (!bytes) return { name };
  if (bytes.length === 0) throw new UploadError("文件是空的。", `empty upload ${originalName}`);
  if (!sniff(bytes, ext)) {
    throw new UploadError(`文件内容与扩展名 ${ext} 不符，可能已损坏。`, `content does not match ${ext} (${originalName})`);
  }
  try {
    return { name, doc: await loadDocument(name, name, bytes) };
  } catch (err) {
    throw new UploadError("无法从文件中读出文字（扫描版 PDF 或文件已损坏？）。", `unreadable upload ${originalName}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

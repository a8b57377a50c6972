// Reads a zip file's central directory without inflating anything, so that a .docx whose entries would
// unpack to hundreds of megabytes (a zip bomb) is refused before a parser touches it. The sizes checked are the
// ones the archive declares; a parser that inflates more than declared is stopped by the worker's memory and
// time limits (src/worker/), not here.

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export class ZipLimitError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const ZIP64_MARK = 0xffffffff;

/** The entries listed in a zip's central directory; throws ZipLimitError when it cannot be read. */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipLimitError("not a zip archive (no end of central directory)");
  const count = view.getUint16(eocd + 10, true);
  const offset = view.getUint32(eocd + 16, true);
  if (offset === ZIP64_MARK || count === 0xffff) throw new ZipLimitError("zip64 archives are not accepted");
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw new ZipLimitError("damaged zip central directory");
    }
    const compressedSize = view.getUint32(p + 20, true);
    const uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    if (compressedSize === ZIP64_MARK || uncompressedSize === ZIP64_MARK) {
      throw new ZipLimitError(`zip64 entry ${name} is not accepted`);
    }
    entries.push({ name, compressedSize, uncompressedSize });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export interface ZipLimits {
  /** Most bytes all entries together may unpack to. */
  maxTotalBytes: number;
  /** Most entries an archive may hold. */
  maxEntries: number;
}

/** Refuses an archive whose declared contents exceed the limits; returns the entries otherwise. */
export function checkZip(bytes: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const entries = listZipEntries(bytes);
  if (entries.length > limits.maxEntries) {
    throw new ZipLimitError(`${entries.length} entries in the archive, limit ${limits.maxEntries}`);
  }
  const total = entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (total > limits.maxTotalBytes) {
    const largest = entries.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
    throw new ZipLimitError(
      `the archive unpacks to ${total} bytes (${largest.name}: ${largest.uncompressedSize}), ` +
        `limit ${limits.maxTotalBytes}`,
    );
  }
  return entries;
}

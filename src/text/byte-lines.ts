// jieba's dictionary and IDF table are read from their bytes line by line, so that a 5–6 MB file is never one
// string in memory (a word sliced from such a string would keep all of it alive).

/** The lines of a UTF-8 text given as bytes, without their newline, each a view on the same bytes. */
export function* byteLines(bytes: Uint8Array): Generator<Uint8Array> {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    yield bytes.subarray(start, end);
    start = end + 1;
  }
}

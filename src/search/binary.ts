// The index's binary arrays (vectors.f32, sentences.f32, packed postings) read from bytes: a view of the bytes
// when they sit at a 4-byte boundary (a file read whole), else a copy (a slice of a larger buffer, as a database
// driver may hand over). Native byte order on both sides: written and read by this code on little-endian machines.

/** The bytes as 32-bit floats. */
export function float32s(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  return new Float32Array(Uint8Array.from(bytes).buffer, 0, bytes.byteLength >> 2);
}

/** The bytes as 32-bit integers. */
export function int32s(bytes: Uint8Array): Int32Array {
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  return new Int32Array(Uint8Array.from(bytes).buffer, 0, bytes.byteLength >> 2);
}

// The index's binary arrays read from bytes: the same numbers whether the bytes sit at a 4-byte boundary (a file
// read whole: a view) or not (a slice of a larger buffer, as the database driver may hand over: a copy).
import { describe, expect, it } from "vitest";
import { float32s, int32s } from "../src/search/binary.js";

describe("binary arrays", () => {
  it("read the same numbers from aligned and unaligned bytes", () => {
    const ints = Int32Array.from([7, -3, 123456, 0]);
    const floats = Float32Array.from([0.5, -1.25, 3e-7]);
    for (const [source, read] of [
      [ints, int32s],
      [floats, float32s],
    ] as const) {
      const bytes = new Uint8Array(source.buffer);
      const shifted = new Uint8Array(bytes.byteLength + 1);
      shifted.set(bytes, 1);
      const unaligned = shifted.subarray(1);
      expect(Array.from(read(bytes))).toEqual(Array.from(source));
      expect(Array.from(read(unaligned))).toEqual(Array.from(source));
    }
    // Aligned bytes are read in place, not copied.
    const view = int32s(new Uint8Array(ints.buffer));
    view[0] = 8;
    expect(ints[0]).toBe(8);
  });
});

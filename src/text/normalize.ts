// Normalisation for matching, never for display: full-width ASCII to half-width, the ideographic space to a
// plain space, traditional characters to simplified (opencc-js), Latin letters to lower case, 甚么 to 什么. Every
// step maps one character to one character, so offsets in the normalised text are offsets in the original.
import * as OpenCC from "opencc-js";

const traditionalToSimplified = OpenCC.Converter({ from: "t", to: "cn" });

/** Full-width ASCII variants (Ａ１％，) become their half-width forms; U+3000 becomes a space. */
export function toHalfWidth(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code === 0x3000) out += " ";
    else if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else out += ch;
  }
  return out;
}

/** Traditional Chinese characters become simplified ones (中小學生 → 中小学生). */
export function toSimplified(text: string): string {
  return traditionalToSimplified(text);
}

/**
 * The form used for tokens, figures and comparisons. 甚么 is folded to 什么, the word it is a variant of (为甚么,
 * 甚麼時候: common in Taiwan and Hong Kong, which the converter leaves as it is), so that it asks as 什么 does.
 */
export function normalizeForMatch(text: string): string {
  return toSimplified(toHalfWidth(text))
    .toLowerCase()
    .replace(/甚(?=么)/g, "什");
}

/** Comparison form for answer checking: normalised and without any white space. */
export function compactForCompare(text: string): string {
  return normalizeForMatch(text).replace(/\s+/g, "");
}

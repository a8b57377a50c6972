// Text bytes → text, whatever encoding a Chinese document came in. BOMs first (UTF-8, UTF-32, UTF-16), then
// strict UTF-8; a UTF-8 file with a few stray bytes is read with them replaced (and says how many), not refused.
// Otherwise the legacy encodings are tried and the one whose text reads as Chinese wins: GB18030 (a superset of
// GBK and GB2312) or Big5. A file that reads as Japanese (Shift-JIS) or Korean (EUC-KR) is refused with a
// message that names the encoding, never indexed as mojibake.
import iconv from "iconv-lite";

export interface DecodedText {
  text: string;
  /** The encoding the text was read in (utf-8, utf-16le, utf-32le, gb18030, big5 …). */
  encoding: string;
  /** Undecodable byte sequences replaced with U+FFFD (only for UTF-8 with a few stray bytes). */
  replaced: number;
}

/** Bytes of a file's opening on which the legacy encodings are compared. */
const DETECT_BYTES = 64 * 1024;

/** A file in an encoding that is not read: Japanese or Korean text, named. */
export class EncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`text is in ${encoding}, not a Chinese encoding (UTF-8, UTF-16, UTF-32, GB18030, Big5)`);
  }
}

/**
 * Frequent characters of Chinese text, simplified and traditional forms (the head of the usual frequency lists,
 * plus the words of counterpart-aid reports): real text has a good share of them, text decoded in the wrong
 * encoding almost none.
 */
const COMMON = new Set(
  [
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过",
    "家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从工作项目资金万元",
    "亿县市省区乡村建设医疗教育干部人才批对口支援藏疆青帮扶已经等并全新部门政府发展实施完成投入共计名位名单情况",
    "這為來個們說國時會後對著裡過發軍無麼經當與學進種將還見沒從項資金萬億縣區鄉設醫療教幹員單況實施完成門政發展",
  ].join(""),
);

/**
 * Frequent Korean syllables: real Korean has many of them, Chinese bytes read as EUC-KR give hangul too, but
 * random ones.
 */
const COMMON_HANGUL = new Set(
  "이다는의에가을를은하고서한지로도기있수어사대게리자나그것했니인시우들요해라적일아정만면주국",
);

/**
 * The share of a text's letters that are frequent Chinese characters, hiragana (Japanese text has many; Chinese
 * bytes read as Shift-JIS give half-width katakana and kanji, not hiragana) or frequent hangul syllables.
 */
function shares(text: string): { chinese: number; kana: number; hangul: number; bad: number } {
  let letters = 0;
  let chinese = 0;
  let kana = 0;
  let hangul = 0;
  let bad = 0;
  for (const ch of text) {
    if (ch === "\uFFFD") bad++;
    if (!/[\p{L}\uFFFD]/u.test(ch)) continue;
    letters++;
    if (COMMON.has(ch)) chinese++;
    else if (/\p{Script=Hiragana}/u.test(ch)) kana++;
    else if (COMMON_HANGUL.has(ch)) hangul++;
  }
  const n = Math.max(letters, 1);
  return { chinese: chinese / n, kana: kana / n, hangul: hangul / n, bad: bad / n };
}

/**
 * A UTF-8 file with a few stray bytes: at least 20 well-formed non-ASCII characters per replaced sequence. A GBK
 * or Big5 file read as UTF-8 has almost no well-formed ones, however few Chinese characters it holds.
 */
function fewStrayBytes(decoded: DecodedText): boolean {
  let wellFormed = 0;
  for (const ch of decoded.text) if (ch > "\u007f" && ch !== "\uFFFD") wellFormed++;
  return decoded.replaced * 20 <= wellFormed;
}

/** UTF-16 without a BOM: one byte of most pairs is zero (ASCII-heavy text), on the even or the odd side. */
function utf16WithoutBom(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = bytes.length / 2;
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return "utf-16le";
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return "utf-16be";
  return undefined;
}

/** Decodes the bytes of a text file; throws EncodingError for Japanese or Korean text. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  const read = (encoding: string, from = 0): DecodedText => ({
    text: iconv.decode(Buffer.from(bytes.subarray(from)), encoding),
    encoding,
    replaced: 0,
  });
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return utf8(bytes.subarray(3));
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return read("utf-32le", 4);
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return read("utf-32be", 4);
  if (b0 === 0xff && b1 === 0xfe) return read("utf-16le", 2);
  if (b0 === 0xfe && b1 === 0xff) return read("utf-16be", 2);
  const sixteen = utf16WithoutBom(bytes);
  if (sixteen) return read(sixteen);
  const asUtf8 = utf8(bytes);
  if (asUtf8.replaced === 0 || fewStrayBytes(asUtf8)) return asUtf8;
  // Told apart on the file's opening (a cut character at its end costs one letter); the winner reads the whole.
  const sample = Buffer.from(bytes.subarray(0, DETECT_BYTES));
  const candidates = ["gb18030", "big5", "shift_jis", "euc-kr"].map((encoding) => ({
    encoding,
    ...shares(iconv.decode(sample, encoding)),
  }));
  const chineseFit = (c: (typeof candidates)[number]): number => c.chinese - c.bad;
  const best = candidates.reduce((a, b) => (chineseFit(b) > chineseFit(a) ? b : a));
  const japanese = candidates.find((c) => c.encoding === "shift_jis")!;
  const korean = candidates.find((c) => c.encoding === "euc-kr")!;
  // Hiragana or frequent hangul in a good share of the letters, more than the best Chinese reading has frequent
  // Chinese characters.
  if (japanese.kana > 0.2 && japanese.kana > chineseFit(best)) throw new EncodingError("Shift-JIS");
  if (korean.hangul > 0.2 && korean.hangul > chineseFit(best)) throw new EncodingError("EUC-KR");
  const encoding = best.encoding === "big5" || best.encoding === "gb18030" ? best.encoding : "gb18030";
  return read(encoding);
}

function utf8(bytes: Uint8Array): DecodedText {
  const text = new TextDecoder("utf-8").decode(bytes);
  let replaced = 0;
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) replaced++;
  return { text, encoding: "utf-8", replaced };
}

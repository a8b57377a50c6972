// Loading real files: UTF-8 with and without BOM (and with a stray byte), UTF-16, UTF-32, GBK, Big5, Markdown
// titles, .docx and .pdf, and clear errors for files that hold no readable text or are not in Chinese.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { decodeBytes } from "../src/corpus/encoding.js";
import { DocumentError, decodeText, listDocumentFiles, loadDocument } from "../src/corpus/load.js";
import { minimalDocx, minimalPdf, zipBombDocx } from "../src/harness/files.js";

const dir = mkdtempSync(join(tmpdir(), "duikou-corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SENTENCE = "淄博市第九批援藏工作组对口支援西藏自治区日喀则市昂仁县，谋划确定对口支援项目47个，投资1.32亿元。";

describe("decoding text files", () => {
  it("reads UTF-8 with and without a BOM, UTF-16 with a BOM, and GBK", () => {
    const utf8 = Buffer.from(SENTENCE, "utf8");
    expect(decodeText(utf8)).toBe(SENTENCE);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe(SENTENCE);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SENTENCE, "utf16le")]))).toBe(SENTENCE);
    expect(decodeText(iconv.encode(SENTENCE, "gbk"))).toBe(SENTENCE);
    expect(decodeText(iconv.encode("中小學生和援藏幹部", "gb18030"))).toBe("中小學生和援藏幹部");
  });

  const TRADITIONAL =
    "淄博市第九批援藏工作組對口支援西藏自治區日喀則市昂仁縣，謀劃確定對口支援項目47個，投資1.32億元。";

  it("reads Big5 as Big5, not as GB18030 mojibake", () => {
    const decoded = decodeBytes(iconv.encode(`援藏工作報告\n\n${TRADITIONAL}`, "big5"));
    expect(decoded.encoding).toBe("big5");
    expect(decoded.text).toContain(TRADITIONAL);
    // And a GBK file of the same length stays GB18030.
    expect(decodeBytes(iconv.encode(SENTENCE, "gbk")).encoding).toBe("gb18030");
    // A GBK file with three Chinese characters among English is not read as UTF-8 with stray bytes.
    expect(decodeBytes(iconv.encode("Annual report 2023, section 援藏县 page 4", "gbk")).text).toContain("援藏县");
  });

  it("reads UTF-32 with a BOM, both byte orders, and UTF-16 without one", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(SENTENCE, "utf32le")]);
    const be = Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(SENTENCE, "utf32be")]);
    expect(decodeBytes(le)).toMatchObject({ text: SENTENCE, encoding: "utf-32le" });
    expect(decodeBytes(be)).toMatchObject({ text: SENTENCE, encoding: "utf-32be" });
    expect(decodeBytes(le).text).not.toContain("\u0000");
    const ascii = "Report 2023: 47 projects, 1.32 yi yuan. " + SENTENCE;
    expect(decodeBytes(Buffer.from(ascii, "utf16le"))).toMatchObject({ text: ascii, encoding: "utf-16le" });
  });

  it("reads UTF-8 with one stray byte, the byte replaced and counted", () => {
    const text = `${SENTENCE}\n`.repeat(5);
    const bytes = Buffer.from(text, "utf8");
    const damaged = Buffer.concat([bytes.subarray(0, 30), Buffer.from([0xff]), bytes.subarray(30)]);
    const decoded = decodeBytes(damaged);
    expect(decoded).toMatchObject({ encoding: "utf-8", replaced: 1 });
    expect(decoded.text.replace("\uFFFD", "")).toBe(text);
  });

  it("refuses Japanese and Korean text, naming the encoding", () => {
    const japanese = "これは日本語のテキストです。私たちは東京で会議を開きました。ありがとうございます。";
    expect(() => decodeBytes(iconv.encode(japanese, "shift_jis"))).toThrow(/Shift-JIS/);
    const korean = "이것은 한국어 텍스트입니다. 우리는 서울에서 회의를 열었습니다. 감사합니다.";
    expect(() => decodeBytes(iconv.encode(korean, "euc-kr"))).toThrow(/EUC-KR/);
  });
});

describe("loading documents", () => {
  it("loads Big5 with its own title, reports a stray byte, refuses Shift-JIS as an encoding problem", async () => {
    const big5 = join(dir, "big5.txt");
    writeFileSync(big5, iconv.encode("援藏工作報告\n\n中小學生和援藏幹部共計120名，投資1.32億元。", "big5"));
    expect(await loadDocument(big5, "big5.txt")).toMatchObject({ title: "援藏工作報告", encoding: "big5" });
    const stray = join(dir, "stray.txt");
    const bytes = Buffer.from(`援藏三年记\n\n${SENTENCE}`, "utf8");
    writeFileSync(stray, Buffer.concat([bytes.subarray(0, 20), Buffer.from([0xc0]), bytes.subarray(20)]));
    const doc = await loadDocument(stray, "stray.txt");
    expect(doc).toMatchObject({ encoding: "utf-8", replaced: 1 });
    expect(doc.text).toContain("投资1.32亿元");
    const sjis = join(dir, "sjis.txt");
    writeFileSync(
      sjis,
      iconv.encode("これは日本語のテキストです。東京で会議を開きました。ありがとうございます。", "shift_jis"),
    );
    const refused = await loadDocument(sjis, "sjis.txt").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DocumentError);
    expect(refused).toMatchObject({ problem: "encoding" });
    expect((refused as Error).message).toContain("Shift-JIS");
  });

  it("loads a GBK .txt file with its title from the first line", async () => {
    const path = join(dir, "gbk.txt");
    writeFileSync(path, iconv.encode(`淄博援藏三年记\n\n${SENTENCE}`, "gbk"));
    const doc = await loadDocument(path, "gbk.txt");
    expect(doc.title).toBe("淄博援藏三年记");
    expect(doc.text).toContain("投资1.32亿元");
  });

  it("takes a Markdown document's title from its first heading", async () => {
    const path = join(dir, "report.md");
    writeFileSync(path, `前言很长的一段话不是标题，因为它以句号结束。\n\n# 援青工作报告\n\n${SENTENCE}\n`);
    expect((await loadDocument(path, "report.md")).title).toBe("援青工作报告");
  });

  it("reads a .docx", async () => {
    const path = join(dir, "report.docx");
    writeFileSync(path, await minimalDocx(["援疆工作总结", SENTENCE]));
    const doc = await loadDocument(path, "report.docx");
    expect(doc.title).toBe("援疆工作总结");
    expect(doc.text).toContain("对口支援项目47个");
  });

  it("reads a .pdf", async () => {
    const path = join(dir, "report.pdf");
    writeFileSync(path, minimalPdf("Counterpart aid report: 47 projects, 1.32 billion yuan."));
    const doc = await loadDocument(path, "report.pdf");
    expect(doc.text).toContain("47 projects");
  });

  it("rejects a broken PDF, an empty file and an unknown type with the file's name", async () => {
    writeFileSync(join(dir, "broken.pdf"), "%PDF-1.7 truncated");
    writeFileSync(join(dir, "empty.txt"), "   \n");
    writeFileSync(join(dir, "image.png"), "PNG");
    await expect(loadDocument(join(dir, "broken.pdf"), "broken.pdf")).rejects.toThrow(DocumentError);
    await expect(loadDocument(join(dir, "broken.pdf"), "broken.pdf")).rejects.toThrow(/broken\.pdf/);
    await expect(loadDocument(join(dir, "empty.txt"), "empty.txt")).rejects.toThrow(/no readable text/);
    await expect(loadDocument(join(dir, "image.png"), "image.png")).rejects.toThrow(/unsupported/);
  });

  it("refuses a .docx zip bomb from its declared sizes, before inflating it", async () => {
    const bomb = await zipBombDocx(100);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = performance.now();
    const err = await loadDocument("bomb.docx", "bomb.docx", bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as DocumentError).problem).toBe("limit");
    expect((err as DocumentError).message).toMatch(/unpacks to \d+ bytes/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses a document with no real text (punctuation and symbols only)", async () => {
    const junk = new TextEncoder().encode("。。。，，，！！！———……※※※★★★\n\n、、、；；；「」「」");
    const err = await loadDocument("junk.txt", "junk.txt", junk).catch((e: unknown) => e);
    expect((err as DocumentError).problem).toBe("no-text");
  });

  it("says which entries it skipped: hidden files and folders, symbolic links", async () => {
    const root = mkdtempSync(join(tmpdir(), "duikou-skip-"));
    try {
      writeFileSync(join(root, "report.txt"), SENTENCE);
      writeFileSync(join(root, ".draft.txt"), SENTENCE);
      mkdirSync(join(root, ".git"));
      writeFileSync(join(root, ".git", "notes.txt"), SENTENCE);
      symlinkSync("/etc/hostname", join(root, "link.txt"));
      const { files, skipped } = await listDocumentFiles(root);
      expect(files).toEqual(["report.txt"]);
      expect(skipped).toEqual([
        { path: ".draft.txt", reason: "hidden (name starts with a dot)" },
        { path: ".git", reason: "hidden (name starts with a dot)" },
        { path: "link.txt", reason: "symbolic link (not followed)" },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lists only supported files, recursively, with forward slashes", async () => {
    const { files, skipped } = await listDocumentFiles(dir);
    expect(files).toContain("gbk.txt");
    expect(files).toContain("report.docx");
    expect(files).not.toContain("image.png");
    expect(skipped).toContainEqual({ path: "image.png", reason: "unsupported type .png" });
  });
});

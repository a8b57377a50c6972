// Checks on admin uploads with real bytes: safe names (traversal, bidi and invisible characters, markup), type
// sniffing, size, and reading in a worker process: unreadable content, zip bombs and punctuation-only files are
// refused with a Chinese message.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import {
  MAX_UPLOAD_BYTES,
  UploadError,
  checkUploadBytes,
  checkUploadName,
  readUpload,
  placeNewDocument,
  safeFileName,
} from "../src/bot/uploads.js";
import { MAX_READ_WORKERS, runningWorkers } from "../src/worker/run.js";
import { zipBombDocx } from "../src/harness/files.js";

const seed = readFileSync(new URL("../seeds/002_2a4bfa5699e19441.txt", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "duikou-uploads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function saved(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("placing a new document", () => {
  it("takes a name once: of ten uploads of one new name at once, one is placed, nine find it taken", async () => {
    const docs = mkdtempSync(join(tmpdir(), "place-"));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        placeNewDocument(docs, "援青报告.txt", new TextEncoder().encode(`版本${i}`)),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(readdirSync(docs)).toEqual(["援青报告.txt"]);
    expect(readFileSync(join(docs, "援青报告.txt"), "utf8")).toBe(`版本${results.indexOf(true)}`);
  });
});

describe("upload names", () => {
  it("keeps file names inside the docs folder", () => {
    expect(safeFileName("../../etc/passwd.txt")).toBe("passwd.txt");
    expect(safeFileName("..\\..\\windows\\报告.md")).toBe("报告.md");
    expect(safeFileName(".hidden.txt")).toBe("hidden.txt");
    expect(safeFileName("a<b>|c\u0007.pdf")).toBe("a_b__c_.pdf");
  });

  it("drops bidi controls and invisible characters, so a name displays as what it is", () => {
    expect(safeFileName("report\u202efdp.txt")).toBe("reportfdp.txt");
    expect(safeFileName("援藏\u200b报告\u2066.docx\u2069")).toBe("援藏报告.docx");
    expect(safeFileName("\ufeff淄博（2024）.pdf")).toBe("淄博（2024）.pdf");
    expect(safeFileName('<b>x<b>&"y".md')).toBe("_b_x_b___y_.md");
  });

  it("shortens a name the file system could not hold (255 bytes) instead of failing to save it", () => {
    const long = `${"对口支援西藏自治区日喀则市昂仁县工作总结".repeat(8)}.txt`;
    const name = safeFileName(long);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith(".txt")).toBe(true);
    expect(long.startsWith(name.slice(0, -4))).toBe(true);
    // A character outside the BMP (four bytes) is kept whole or not at all.
    expect(safeFileName(`${"𠀀".repeat(80)}.md`)).toBe(`${"𠀀".repeat(50)}.md`);
  });
});

describe("upload contents", () => {
  it("accepts a real text file, also in GBK, and reads its title in a worker", async () => {
    const name = checkUploadName("淄博援藏.txt", seed.length);
    checkUploadBytes(name, new Uint8Array(seed));
    expect((await readUpload(saved(name, seed), name)).chars).toBeGreaterThan(1000);
    const gbk = iconv.encode("援青报告\n\n青海省果洛州援青工作队今年投入资金8888万元。", "gbk");
    expect((await readUpload(saved("gbk.txt", gbk), "gbk.txt")).title).toBe("援青报告");
  });

  it("rejects wrong types, fake PDFs, oversize and empty files with a Chinese message", async () => {
    expect(() => checkUploadName("x.exe", 10)).toThrow(UploadError);
    expect(() => checkUploadName("big.pdf", MAX_UPLOAD_BYTES + 1)).toThrow(/too large/);
    expect(() => checkUploadBytes("fake.pdf", new Uint8Array(seed))).toThrow(
      expect.objectContaining({ userMessage: expect.stringContaining("不符") }),
    );
    expect(() => checkUploadBytes("empty.txt", new Uint8Array())).toThrow(
      expect.objectContaining({ userMessage: "文件是空的。" }),
    );
    const broken = Buffer.from("%PDF-1.7\n% broken on purpose");
    await expect(readUpload(saved("broken.pdf", broken), "broken.pdf")).rejects.toMatchObject({
      userMessage: expect.stringContaining("无法"),
    });
  });

  it("refuses a zip bomb and a punctuation-only file, each with its reason", async () => {
    const bomb = await zipBombDocx(100);
    await expect(readUpload(saved("bomb.docx", bomb), "bomb.docx")).rejects.toMatchObject({
      userMessage: expect.stringContaining("过大"),
    });
    const lying = await zipBombDocx(100, { lie: true });
    await expect(readUpload(saved("lying.docx", lying), "lying.docx")).rejects.toBeInstanceOf(UploadError);
    const junk = new TextEncoder().encode("。。。，，，！！！———……※※※★★★\n、、、；；；");
    await expect(readUpload(saved("junk.txt", junk), "junk.txt")).rejects.toMatchObject({
      userMessage: expect.stringContaining("没有可用的文字"),
    });
  });

  it("stops a worker that passes its time limit", async () => {
    const big = Buffer.from(`${"淄博市第九批援藏工作组对口支援昂仁县。\n".repeat(200_000)}`);
    await expect(
      readUpload(saved("slow.txt", big), "slow.txt", { timeoutMs: 300, maxMemoryMb: 1024 }),
    ).rejects.toMatchObject({
      userMessage: expect.stringContaining("超时"),
    });
  });

  it("reads a burst of uploads at most MAX_READ_WORKERS at a time, all of them in the end", async () => {
    const names = Array.from({ length: 5 }, (_, i) => `burst-${i}.txt`);
    names.forEach((n) => saved(n, seed));
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, runningWorkers())), 5);
    const results = await Promise.all(names.map((n) => readUpload(join(dir, n), n)));
    clearInterval(watch);
    expect(results.every((r) => r.chars > 1000)).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(MAX_READ_WORKERS);
  });
});

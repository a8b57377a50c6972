// Checks on admin uploads with real bytes: safe names, type sniffing, size, unreadable content.
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { MAX_UPLOAD_BYTES, UploadError, checkUpload, safeFileName } from "../src/bot/uploads.js";

const seed = readFileSync(new URL("../seeds/002_2a4bfa5699e19441.txt", import.meta.url));

describe("upload checks", () => {
  it("keeps file names inside the docs folder", () => {
    expect(safeFileName("../../etc/passwd.txt")).toBe("passwd.txt");
    expect(safeFileName("..\\..\\windows\\报告.md")).toBe("报告.md");
    expect(safeFileName(".hidden.txt")).toBe("hidden.txt");
    expect(safeFileName("a<b>|c\u0007.pdf")).toBe("a_b__c_.pdf");
  });

  it("accepts a real text file, also in GBK, and reads its title", async () => {
    const ok = await checkUpload("淄博援藏.txt", seed.length, new Uint8Array(seed));
    expect(ok.name).toBe("淄博援藏.txt");
    expect(ok.doc?.text).toContain("昂仁县");
    const gbk = iconv.encode("援青报告\n\n青海省果洛州援青工作队今年投入资金8888万元。", "gbk");
    expect((await checkUpload("gbk.txt", gbk.length, new Uint8Array(gbk))).doc?.title).toBe("援青报告");
  });

  it("rejects wrong types, fake PDFs, oversize and empty files with a Chinese message", async () => {
    await expect(checkUpload("x.exe", 10)).rejects.toThrow(UploadError);
    await expect(checkUpload("big.pdf", MAX_UPLOAD_BYTES + 1)).rejects.toMatchObject({ userMessage: expect.stringContaining("20 MB") });
    await expect(checkUpload("fake.pdf", seed.length, new Uint8Array(seed))).rejects.toMatchObject({ userMessage: expect.stringContaining("不符") });
    await expect(checkUpload("empty.txt", 0, new Uint8Array())).rejects.toMatchObject({ userMessage: "文件是空的。" });
    const broken = Buffer.from("%PDF-1.7\n% broken on purpose");
    await expect(checkUpload("broken.pdf", broken.length, new Uint8Array(broken))).rejects.toMatchObject({ userMessage: expect.stringContaining("无法") });
  });
});

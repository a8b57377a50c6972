// Replies that grow with the archive stay within Telegram's 4,096 characters: /docs pages and searches its
// documents, and a re-index summary names the first few files of each list and counts the rest.
import { describe, expect, it } from "vitest";
import { docsPage, summary } from "../src/bot/admin.js";
import { TELEGRAM_LIMIT } from "../src/bot/render.js";
import type { BuildReport } from "../src/search/index-store.js";

const archive = Array.from({ length: 120 }, (_, i): [string, { title: string; chunks: number }] => [
  `${String(i).padStart(3, "0")}_${"山东省援藏工作队工作总结".repeat(8)}_${i}.txt`,
  { title: `第${i + 1}份报告：${"对口支援昂仁县的项目建设与民生改善情况".repeat(5)}`, chunks: 40 + i },
]);

describe("long replies", () => {
  it("/docs shows 120 documents on pages that each fit one message, with the way to the next page", () => {
    const first = docsPage(archive, "");
    expect(first.length).toBeLessThan(TELEGRAM_LIMIT);
    expect(first).toContain("已索引的文件（120）");
    expect(first).toContain("第 1/6 页");
    expect(first).toContain("/docs 2");
    const last = docsPage(archive, "6");
    expect(last).toContain("120. ");
    expect(last).not.toContain("100. ");
    expect(last).toContain("第 6/6 页");
    for (let page = 1; page <= 6; page++) expect(docsPage(archive, String(page)).length).toBeLessThan(TELEGRAM_LIMIT);
  });

  it("/docs 关键词 finds documents by file name or title, and says so when none matches", () => {
    const found = docsPage(archive, "_77.txt");
    expect(found).toContain("包含“_77.txt”的文件（1）");
    expect(found).toContain("78. ");
    expect(docsPage(archive, "广东")).toBe("没有文件名或标题包含“广东”的文件。");
    expect(docsPage([], "")).toBe("资料库中还没有文件。");
  });

  it("a re-index summary of 300 new files fits one message and counts what it does not name", () => {
    const names = archive.map(([name]) => name);
    const report: BuildReport = {
      added: [...names, ...names, ...names.slice(0, 60)],
      changed: names,
      removed: [],
      unchanged: [],
      failed: names.map((source) => ({ source, reason: "no text" })),
      decoded: names.map((source) => ({ source, encoding: "utf-8", replaced: 1 })),
      skipped: [],
      chunks: 9000,
      sentencesEmbedded: 0,
      sentencesReused: 0,
      embeddedChars: 0,
      embedSeconds: 1,
      seconds: 95.2,
      generation: "gen-1",
    };
    const text = summary(report);
    expect(text.length).toBeLessThan(TELEGRAM_LIMIT);
    expect(text).toContain("新增 300：");
    expect(text).toContain("无法读取 120：");
    expect(text).toMatch(/ 等/);
  });
});

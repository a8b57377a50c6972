// Per-document work stays linear and bounded whatever the document looks like: a list without sentence
// punctuation, a file of 70,000 figure lines, a sentence of thousands of comma-separated figures.
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../src/corpus/chunk.js";
import { MAX_QUESTION_PARTS } from "../src/answer/params.js";
import { analyzeQuestion } from "../src/answer/question.js";
import { figureTable } from "../src/facts/table.js";
import { MAX_SENTENCE_CHARS, splitSentences } from "../src/text/sentences.js";

describe("documents that look ordinary but are huge", () => {
  it("cut a text without sentence punctuation into sentences of at most MAX_SENTENCE_CHARS, at line breaks", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `第${i + 1}项 援建资金 ${i * 3}万元`);
    const text = lines.join("\n");
    const sentences = splitSentences(text);
    expect(sentences.length).toBeGreaterThan(text.length / MAX_SENTENCE_CHARS);
    for (const s of sentences) {
      expect(s.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
      expect(text.slice(s.start, s.end)).toBe(s.text);
      // Cut at a line break: every piece ends with a whole line.
      expect(s.text.endsWith("万元")).toBe(true);
    }
    expect(sentences.map((s) => s.text).join("\n")).toBe(text);
  });

  it("cut one run of comma-separated figures at a comma, and a run with no break at all at the limit", () => {
    const figures = Array.from({ length: 5_000 }, (_, i) => `${i}万元`).join("，");
    for (const s of splitSentences(figures)) {
      expect(s.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
      expect(s.text).toMatch(/，$|万元$/);
    }
    const solid = "援".repeat(MAX_SENTENCE_CHARS * 3 + 7);
    expect(splitSentences(solid).map((s) => s.text.length)).toEqual([500, 500, 500, 7]);
  });

  it("leave sentences of ordinary length as they were", () => {
    const text = "工作组谋划确定对口支援项目47个，投资1.32亿元。\n\n据了解，项目已全部开工！";
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      "工作组谋划确定对口支援项目47个，投资1.32亿元。",
      "据了解，项目已全部开工！",
    ]);
  });

  it("read 70,000 figure lines into 70,000 rows of the table of figures, and chunk them", () => {
    const text = Array.from({ length: 70_000 }, (_, i) => `第${i + 1}项投资${i + 1}万元。`).join("\n");
    const rows = figureTable("list.txt", "项目清单", text);
    expect(rows.filter((r) => r.text.endsWith("万元")).length).toBe(70_000);
    expect(rows.at(-1)).toMatchObject({ text: "70000万元", value: 700_000_000 });
    const chunks = chunkDocument({ source: "list.txt", title: "项目清单", text, hash: "0" });
    expect(chunks.length).toBeGreaterThan(1000);
  });
});

describe("a document without sentence punctuation", () => {
  it("is chunked into passages that each fit in one Telegram message", () => {
    const text = Array.from({ length: 16_000 }, (_, i) => `援建项目${i + 1} 资金${i % 97}万元 已完工`).join("\n");
    expect(text.length).toBeGreaterThan(300_000);
    const chunks = chunkDocument({ source: "list.txt", title: "项目清单", text, hash: "0" });
    expect(chunks.length).toBeGreaterThan(300);
    for (const chunk of chunks) expect(chunk.pageContent.length).toBeLessThanOrEqual(2 * MAX_SENTENCE_CHARS);
  });
});

describe("a heavy question", () => {
  it("is answered in at most MAX_QUESTION_PARTS parts, the first ones asked", () => {
    const q = analyzeQuestion("谁？".repeat(250));
    expect(q.parts).toHaveLength(MAX_QUESTION_PARTS);
    const three = analyzeQuestion("民生类项目有多少个？总投资多少？占比多少？");
    expect(three.parts.map((p) => p.asked)).toEqual(["count", "money", "percent"]);
  });
});

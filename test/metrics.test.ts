// Scoring as ../shared/CONTRACT.md defines it (src/eval/metrics.ts, src/eval/datasets.ts): every expected string
// for a fact, at least `need` points for an open question, a figure never as the tail of a longer number, and
// simplified and traditional characters alike; the hold-outs that make questions to refuse.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareArchive, prepareCmrc, readQa } from "../src/eval/datasets.js";
import { answerMatches, evaluate } from "../src/eval/metrics.js";
import { writtenApp } from "./helpers.js";

describe("answer scoring", () => {
  it("does not take a figure as the tail of a longer number", () => {
    expect(answerMatches("共投入援藏资金2500万元。", ["500万元"], "all")).toBe(false);
    expect(answerMatches("共投入援藏资金500万元。", ["500万元"], "all")).toBe(true);
    expect(answerMatches("增长了1.5倍。", ["5倍"], "all")).toBe(false);
  });

  it("matches traditional and simplified characters and ignores white space", () => {
    expect(answerMatches("對口支援昂仁縣。", ["昂仁县"], "all")).toBe(true);
    expect(answerMatches("投资 1.32 亿元", ["1.32亿元"], "all")).toBe(true);
  });

  it("counts an open question right with at least `need` of its points", () => {
    const points = ["卡嘎镇便民服务中心", "10个蔬菜大棚", "党建广场"];
    expect(answerMatches("建成卡嘎镇便民服务中心；新建10个蔬菜大棚。", points, "points", 2)).toBe(true);
    expect(answerMatches("建成卡嘎镇便民服务中心。", points, "points", 2)).toBe(false);
  });

  it("reads open questions' points and need from a QA file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qa-"));
    const file = join(dir, "qa.jsonl");
    const open = {
      id: "o1",
      question: "做了哪些项目？",
      points: ["甲", "乙", "丙"],
      need: 2,
      source: "a.txt",
      kind: "open",
    };
    const fact = { id: "f1", question: "投资多少？", expect: ["1.32亿元"], source: "a.txt|b.txt", kind: "fact" };
    await writeFile(file, `${JSON.stringify(open)}\n${JSON.stringify(fact)}\n`);
    const [o, f] = await readQa(file);
    expect(o).toMatchObject({ mode: "points", need: 2, expect: ["甲", "乙", "丙"], sources: ["a.txt"] });
    expect(f).toMatchObject({ mode: "all", expect: ["1.32亿元"], sources: ["a.txt", "b.txt"] });
  });
});

describe("eval over several sources", () => {
  it("reports each expected figure an ambiguous answer held and the ones it missed", async () => {
    const { app, corpus } = await writtenApp({
      "a-2019.txt":
        "林芝援藏综述\n2019-08-20 来源：西藏日报\n\n2019年，广东省援藏工作队在林芝市投入援藏资金8.6亿元。\n",
      "b-2023.txt":
        "林芝援藏新进展\n2023-07-05 来源：南方日报\n\n2023年，广东省援藏工作队在林芝市投入援藏资金10.2亿元。\n",
    });
    try {
      const question = "广东省援藏工作队在林芝市投入了多少援藏资金？";
      const both = { id: "a1", question, sources: ["a-2019.txt", "b-2023.txt"], mode: "all" as const };
      const result = await evaluate(
        app,
        [
          { ...both, expect: ["8.6亿元", "10.2亿元"], kind: "ambiguous" },
          { ...both, id: "a2", expect: ["8.6亿元", "12.5亿元"], kind: "ambiguous" },
        ],
        { withAnswers: true },
      );
      expect(result.answer?.byKind.ambiguous).toEqual({ right: 1, total: 2, found: 3, expected: 4 });
      expect(result.answer?.wrong).toMatchObject([{ id: "a2", missing: ["12.5亿元"] }]);
    } finally {
      corpus.cleanup();
    }
  });
});

describe("sentence hold-out", () => {
  it("removes the answering sentences of every K-th passage and makes their questions near misses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duikou-holdout-"));
    try {
      const entry = (id: string, text: string, qas: [string, string][]) => ({
        context_id: id,
        title: `文章${id}`,
        context_text: text,
        qas: qas.map(([q, a], i) => ({ query_id: `${id}-${i}`, query_text: q, answers: [a] })),
      });
      const data = [
        entry("A", "甲县投资100万元。乙县投资200万元。", [["甲县投资多少？", "100万元"]]),
        entry("B", "丙县建成学校3所。丁县建成医院2所。丙县位于北部。", [
          ["丙县建成几所学校？", "3所"],
          ["丙县位于哪里？", "北部"],
        ]),
      ];
      writeFileSync(join(dir, "tiny.json"), JSON.stringify(data));
      const items = await prepareCmrc(join(dir, "tiny.json"), join(dir, "docs"), { holdoutSentences: 2 });
      const b = readFileSync(join(dir, "docs", "B.txt"), "utf8");
      expect(b).toContain("丁县建成医院2所。");
      expect(b).not.toContain("3所");
      expect(b).not.toContain("北部");
      expect(items.heldOut.map((q) => q.id).sort()).toEqual(["B-0", "B-1"]);
      expect(items.kept.map((q) => q.id)).toEqual(["A-0"]);
      expect(readFileSync(join(dir, "docs", "A.txt"), "utf8")).toContain("100万元");
      expect(items.heldOut.every((q) => q.kind === "near-miss")).toBe(true);

      // Both kinds in one corpus: every 4th passage left out, the 2nd of every four cut.
      const four = [
        ...data,
        entry("C", "戊县投资300万元。", [["戊县投资多少？", "300万元"]]),
        entry("D", "己县有5所学校。", [["己县有几所学校？", "5所"]]),
      ];
      writeFileSync(join(dir, "four.json"), JSON.stringify(four));
      const both = await prepareCmrc(join(dir, "four.json"), join(dir, "docs4"), { holdout: 4, holdoutSentences: 4 });
      expect(both.heldOut.map((q) => `${q.id}:${q.kind}`).sort()).toEqual([
        "B-0:near-miss",
        "B-1:near-miss",
        "D-0:held-out",
      ]);
      expect(both.kept.map((q) => q.id).sort()).toEqual(["A-0", "C-0"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cuts the answering sentences of every K-th cited report of an archive: near misses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archive-"));
    try {
      const [one, two] = [join(dir, "one"), join(dir, "two")];
      for (const d of [one, two]) mkdirSync(d);
      writeFileSync(join(one, "a.txt"), "甲县报道\n甲县投资100万元。甲县建成学校2所。\n");
      writeFileSync(join(two, "b.txt"), "乙县报道\n乙县投资300万元。乙县建成医院4所，學校5所。\n");
      const qa = [
        { id: "a1", question: "甲县投资多少？", expect: ["100万元"], source: "a.txt", kind: "fact" },
        { id: "b1", question: "乙县投资多少？", expect: ["300万元"], source: "b.txt", kind: "fact" },
        { id: "b2", question: "乙县建成几所学校？", expect: ["5所"], source: "b.txt", kind: "traditional" },
        { id: "n1", question: "丙县投资多少？", expect: [], source: null, kind: "unanswerable" },
        { id: "o1", question: "乙县做了什么？", points: ["医院"], need: 1, source: "b.txt", kind: "open" },
      ];
      writeFileSync(join(dir, "qa.jsonl"), qa.map((q) => JSON.stringify(q)).join("\n"));
      const items = await prepareArchive([one, two], join(dir, "qa.jsonl"), join(dir, "docs"), {
        holdoutSentences: 2,
      });
      // The second cited report (b.txt) is cut: the sentences holding 300万元 and 5所 are gone, the rest stays.
      const b = readFileSync(join(dir, "docs", "b.txt"), "utf8");
      expect(b).toBe("乙县报道\n\n");
      expect(readFileSync(join(dir, "docs", "a.txt"), "utf8")).toContain("100万元");
      expect(items.map((q) => `${q.id}:${q.kind}:${q.sources.join("|")}:${q.group}`)).toEqual([
        "a1:fact:a.txt:a.txt",
        "b1:near-miss::b.txt",
        "b2:near-miss::b.txt",
        "n1:unanswerable::n1",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

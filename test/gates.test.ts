// The answerer's gates (src/answer/gates.ts), each on sentences written for it: a candidate that fails a gate is
// dropped whatever its score, and the debug output names the gate. Every gate in GATES needs a case here.
import { describe, expect, it } from "vitest";
import type { Candidate } from "../src/answer/candidates.js";
import { clauseFits, failedGate, GATES, type GateInput } from "../src/answer/gates.js";
import { analyzeQuestion } from "../src/answer/question.js";
import { attributeWords, itemWords } from "../src/answer/agreement.js";
import { extractFigures } from "../src/text/figures.js";
import { normalizeForMatch } from "../src/text/normalize.js";

interface Place {
  title?: string;
  passage?: string;
  heading?: string;
  lead?: string;
  before?: string;
}

/** A candidate sentence as candidates.ts makes it, in a document with the given title, passage and heading. */
function candidate(text: string, at: Place = {}): Candidate {
  const passage = at.passage ?? text;
  const metadata = {
    chunkId: "c1",
    source: "report.txt",
    title: at.title ?? "援藏工作综述",
    heading: at.heading ?? "",
    lead: at.lead ?? "",
    start: 0,
    end: passage.length,
  };
  return {
    text,
    norm: normalizeForMatch(text),
    chunk: { pageContent: passage, metadata },
    passage,
    passageRank: 0,
    passageScore: 1,
    passageDense: 0.5,
    figures: extractFigures(normalizeForMatch(text)),
    sem: 0.5,
    lead: false,
    prevNorm: normalizeForMatch(at.before ?? ""),
    nextNorm: "",
    neighbourSem: 0,
    position: 1,
  };
}

function input(question: string, c: Candidate): GateInput {
  const q = analyzeQuestion(question);
  const part = q.parts[0]!;
  const item = itemWords(part, q);
  return { c, q, part, fits: clauseFits(part, q), item, literal: attributeWords(item, part) };
}

/** Per gate: a question, a sentence the gate drops and one it lets through. */
const CASES: Record<string, { question: string; dropped: Candidate; kept: Candidate }> = {
  entities: {
    question: "广东省第十批援藏工作队有多少名干部人才？",
    dropped: candidate("工作队共有干部人才96名。", { title: "淄博市第九批援藏工作组" }),
    kept: candidate("工作队共有干部人才96名。", { title: "广东省第十批援藏工作队" }),
  },
  "other-batch": {
    question: "上海第六批援青干部联络组组长是谁？",
    dropped: candidate("正如第五批援青干部联络组组长赵勇此前所说，要接续奋斗。", { title: "上海第六批援青干部" }),
    kept: candidate("第六批援青干部联络组组长王平介绍了工作计划。", { title: "上海第六批援青干部" }),
  },
  "batch-span": {
    question: "深圳援藏20年累计投入了多少资金？",
    dropped: candidate("深圳第十批援藏工作队拨付援藏资金约10亿元。"),
    kept: candidate("深圳援藏20年来累计投入资金45亿元。"),
  },
  "local-place": {
    question: "广东在朗县投入了多少援藏资金？",
    dropped: candidate("广东全年投入援藏资金205万元。", {
      title: "广东援藏",
      passage: "广东全年投入援藏资金205万元。朗县新建学校3所。",
    }),
    kept: candidate("广东在朗县投入援藏资金205万元。", { title: "广东援藏" }),
  },
  "title-only": {
    question: "一共有多少个项目？",
    dropped: candidate("援藏工作综述"),
    kept: candidate("工作组确定援藏项目47个。"),
  },
  "answer-span": {
    question: "淄博援藏工作组投资多少？",
    dropped: candidate("淄博援藏工作组谋划了一批对口支援项目。"),
    kept: candidate("淄博援藏工作组谋划项目47个，投资1.32亿元。"),
  },
  "clause-fits": {
    question: "淄博援藏工作组对口支援哪个县？",
    dropped: candidate("淄博援藏工作组的对口支援工作取得了明显成效。"),
    kept: candidate("淄博援藏工作组对口支援日喀则市昂仁县。"),
  },
  "list-total": {
    question: "玉麦乡史馆投资多少？",
    dropped: candidate("湖南投入资金1200万元，新建了玉麦乡史馆、文化广场、消防车库等设施。"),
    kept: candidate("玉麦乡史馆投资300万元，已经建成开放。"),
  },
  item: {
    question: "玉麦乡史馆投资多少？",
    dropped: candidate("新建的文化广场投资300万元。"),
    kept: candidate("新建的玉麦乡史馆投资300万元。"),
  },
  role: {
    question: "工作组组长是谁？",
    dropped: candidate("副组长张三负责项目建设工作。"),
    kept: candidate("组长李四负责全面工作。"),
  },
  counted: {
    question: "工作组有多少名女性？",
    dropped: candidate("工作组共有干部25名。"),
    kept: candidate("工作组共有女性干部5名。"),
  },
};

describe("the answerer's gates", () => {
  it("each have a name of their own, a reason, and a case in this file", () => {
    const names = GATES.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    for (const gate of GATES) {
      expect(gate.why.length).toBeGreaterThan(20);
      expect(Object.keys(CASES)).toContain(gate.name);
    }
  });

  for (const gate of GATES) {
    const { question, dropped, kept } = CASES[gate.name] ?? CASES.entities!;
    it(`${gate.name}: drops 「${dropped.text}」 and keeps 「${kept.text}」 for ${question}`, () => {
      expect(gate.passes(input(question, dropped))).toBe(false);
      expect(gate.passes(input(question, kept))).toBe(true);
    });
  }

  it("local-place: a county is said by the township of it the question names (隆子县玉麦乡)", () => {
    const gate = GATES.find((g) => g.name === "local-place")!;
    const question = "湖南援建隆子县玉麦乡，三年投入了多少资金？";
    expect(gate.passes(input(question, candidate("3年来，湖南在玉麦乡投入资金1200万元。")))).toBe(true);
    expect(gate.passes(input(question, candidate("3年来，湖南在曲松县投入资金1200万元。")))).toBe(false);
    // Or by the sentence before, whose subject this one drops.
    const auction = "日土县羊绒竞拍会共拍卖羊绒多少吨？";
    const named = { before: "在日土县羊绒竞拍会现场，拍卖师报出底价。" };
    expect(gate.passes(input(auction, candidate("本次活动共拍卖羊绒40.18吨。", named)))).toBe(true);
    expect(gate.passes(input(auction, candidate("本次活动共拍卖羊绒40.18吨。")))).toBe(false);
  });

  it("entities: a year is met by a report of that year, or by the year its 去年 names", () => {
    const gate = GATES.find((g) => g.name === "entities")!;
    const dated = (date: string): Candidate => {
      const c = candidate("自去年开始，浙江投入1400万元进行危房改造。");
      return { ...c, chunk: { ...c.chunk, metadata: { ...c.chunk.metadata, date } } };
    };
    const question = "2012年浙江投入多少资金进行危房改造？";
    expect(gate.passes(input(question, dated("2013-08-01")))).toBe(true);
    expect(gate.passes(input(question, dated("2012-05-01")))).toBe(true);
    expect(gate.passes(input(question, dated("2016-05-01")))).toBe(false);
    expect(gate.passes(input(question, candidate("自去年开始，浙江投入1400万元进行危房改造。")))).toBe(false);
  });

  it("name the first gate a candidate fails, and keep only the `always` gates for a refusal's lead", () => {
    const figureless = CASES["answer-span"]!;
    expect(failedGate(input(figureless.question, figureless.dropped), true)).toBe("answer-span");
    expect(failedGate(input(figureless.question, figureless.dropped), false)).toBeUndefined();
    expect(failedGate(input(figureless.question, figureless.kept), true)).toBeUndefined();
    const elsewhere = CASES.entities!;
    expect(failedGate(input(elsewhere.question, elsewhere.dropped), false)).toBe("entities");
  });
});

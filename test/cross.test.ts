// Questions across documents on the real seeds index: the table of figures (subject and time several clauses
// back), comparisons and totals with their arithmetic checked, answers per source with their subjects, and a
// figure about another attribute kept out of an answer (the false conflict).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, ingest, type App } from "../src/app.js";
import { answerQuestion } from "../src/answer/pipeline.js";
import { analyzeCross, MAX_TOTAL_INPUTS } from "../src/answer/cross-question.js";
import { analyzeQuestion } from "../src/answer/question.js";
import { renderAnswerBlocks } from "../src/bot/render.js";
import { verifyFigures } from "../src/answer/verify.js";
import { compareFigures, comparable, derivedHolds, parseFigure, sum } from "../src/facts/arithmetic.js";
import type { FigureRow } from "../src/facts/table.js";
import { compactForCompare } from "../src/text/normalize.js";
import { seedsApp, tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";

let app: App;
let corpus: TempCorpus;
beforeAll(async () => {
  ({ app, corpus } = await seedsApp());
});
afterAll(() => corpus.cleanup());

const row = (source: string, text: string, sentencePart: string): FigureRow => {
  const found = app.index.figures.rows.find(
    (r) => r.source.startsWith(source) && r.text === text && r.sentence.includes(sentencePart),
  );
  expect(found, `${text} in ${source}`).toBeDefined();
  return found as FigureRow;
};
const has = (answer: string, text: string): boolean => compactForCompare(answer).includes(compactForCompare(text));

describe("the table of figures", () => {
  it("is stored with the index and gives each figure what it counts", () => {
    expect(app.index.figures.rows.length).toBeGreaterThan(300);
    expect(row("003", "90名", "教育人才").attribute).toContain("教育人才");
    expect(row("004", "2712个", "援藏项目").attribute).toContain("援藏项目");
    expect(row("000", "1600万元", "青稞博物馆").attribute).toContain("投资");
  });

  it("is rebuilt for unchanged files when its extraction changes, without embedding them again", async () => {
    const live = join(corpus.config.indexDir, "live");
    const manifestPath = join(live, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      figureTableVersion?: number;
      checksums: Record<string, string>;
    };
    // An older build's table, written as a build would, with its checksum.
    const checksums = { ...manifest.checksums, "figures.json": createHash("sha256").update("[]").digest("hex") };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, figureTableVersion: 0, checksums }));
    writeFileSync(join(live, "figures.json"), "[]");
    const report = await ingest(corpus.config, testEmbeddings());
    expect(report.sentencesEmbedded).toBe(0);
    const again = await createApp(corpus.config, { embeddings: testEmbeddings() });
    expect(again.index.figures.rows.length).toBe(app.index.figures.rows.length);
    expect(again.index.manifest.figureTableVersion).toBe(manifest.figureTableVersion);
  });

  it("finds the subject several clauses back, or in an earlier sentence of the paragraph", () => {
    // 「广东省第十批援藏工作队进藏后,共选派…人才90人,柔性援藏医疗人才73名,三级医院对口帮扶人才149人」
    expect(row("003", "149人", "三级医院").subject).toBe("广东省第十批援藏工作队");
    // 「…选派676名高校大学生来林支教,90名教育人才来林帮扶」: no subject in its own sentence.
    expect(row("003", "90名", "教育人才").subject).toBe("广东省第十批援藏工作队");
    // 「玉麦乡副乡长巴桑次仁介绍，3年来，湖南投入资金1200万元」: the speaker is not the subject.
    expect(row("004", "1200万元", "玉麦").subject).toBe("湖南");
  });

  it("finds the time of a figure: a period, a year, a date", () => {
    for (const text of ["50个", "44个", "79个"]) expect(row("003", text, "规划内项目").time).toBe("2022至2024年");
    expect(row("004", "1200万元", "玉麦").time).toBe("3年来");
    expect(row("000", "3.8亿元", "援藏资金").time).toBe("2022年");
    // The listed figures form one group; the end of a period is not a date of its own.
    const listed = ["50个", "44个", "79个"].map((t) => row("003", t, "规划内项目").group);
    expect(new Set(listed).size).toBe(1);
    expect(app.index.figures.rows.some((r) => r.sentence.includes("规划内项目") && r.text === "2024年")).toBe(false);
  });
});

describe("arithmetic on figures", () => {
  const f = (t: string) => parseFigure(t)!;
  it("normalises units before comparing and adding, and writes the result exactly", () => {
    expect(compareFigures(f("1.32亿元"), f("4199万元"))).toBe(1);
    expect(sum([f("1.32亿元"), f("4199万元")])).toBe("17399万元");
    expect(sum([f("90人"), f("73名"), f("149人")])).toBe("312人");
    expect(compareFigures(f("2022年7月"), f("2022年6月27日"))).toBe(1);
    expect(compareFigures(f("2022年"), f("2022年6月27日"))).toBeUndefined();
    expect(comparable(f("66名"), f("1.32亿元"))).toBe(false);
    expect(sum([f("1.4亿元"), f("1.512亿元")])).toBe("2.912亿元");
  });

  it("accepts a derived figure only when it is the arithmetic on cited inputs", () => {
    const citations = [
      { n: 1, source: "a", title: "a", chunkId: "a#0", quote: "分别安排规划内项目50个、44个、79个。" },
    ];
    const good = { text: "173个", op: "sum" as const, inputs: ["50个", "44个", "79个"] };
    const answer = "分别安排规划内项目50个、44个、79个[1]\n合计：50个 + 44个 + 79个 = 173个。";
    expect(derivedHolds(good)).toBe(true);
    expect(verifyFigures(answer, citations, [good]).ok).toBe(true);
    expect(verifyFigures(answer, citations).ok).toBe(false);
    const wrongSum = { ...good, text: "174个" };
    expect(verifyFigures(answer.replace("173个", "174个"), citations, [wrongSum]).ok).toBe(false);
    // An input that no quote holds makes the total unverifiable.
    const uncited = { text: "183个", op: "sum" as const, inputs: ["50个", "54个", "79个"] };
    expect(verifyFigures("合计：50个 + 54个 + 79个 = 183个。", citations, [uncited]).ok).toBe(false);
  });
});

describe("comparisons", () => {
  it("recognises the kinds of comparison and keeps ordinary questions out", () => {
    expect(analyzeCross("西藏首座青稞博物馆和林芝市智慧旅游平台，哪个援藏项目投资更多？")?.relation).toBe("more");
    expect(analyzeCross("山东和广东的第十批援藏工作队谁先进藏？")?.dates).toBe(true);
    expect(analyzeCross("淄博援藏投资的项目比湖南在玉麦乡投入的资金多多少？")?.relation).toBe("difference");
    expect(analyzeCross("山东援藏一共帮助多少名先心病患儿得到救治？")).toBeUndefined();
    expect(analyzeCross("淄博援藏21、22年那10个基建项目一共打算投多少钱？")).toBeUndefined();
    expect(analyzeCross("淄博市第九批援藏工作组对口支援哪个县？")).toBeUndefined();
  });

  it("bounds a total's work: a list longer than the cap is not asked input by input", () => {
    const names = [
      "昂仁县人民医院",
      "桑珠孜区中学",
      "拉孜县幼儿园",
      "萨迦县卫生院",
      "白朗县职校",
      "江孜县敬老院",
      "定日县小学",
    ];
    const total = (n: number) => analyzeCross(`${names.slice(0, n).join("、")}，一共投资多少钱？`);
    expect(total(MAX_TOTAL_INPUTS)?.items).toHaveLength(MAX_TOTAL_INPUTS);
    expect(total(MAX_TOTAL_INPUTS + 1)).toBeUndefined();
    expect(total(7)).toBeUndefined();
  });

  it("shows both figures, each cited, and the verdict last, across documents", async () => {
    const r = await answerQuestion(app, "西藏首座青稞博物馆和林芝市智慧旅游平台，哪个援藏项目投资更多？");
    expect(r.answered).toBe(true);
    const lines = r.answer.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/1600万元.*\[1\]$/);
    expect(lines[1]).toMatch(/940万元.*\[2\]$/);
    expect(lines[2]).toMatch(/^结论：西藏首座青稞博物馆更多/);
    expect(new Set(r.citations.map((c) => c.source.slice(0, 3)))).toEqual(new Set(["000", "003"]));
    expect(r.derived).toEqual([{ text: "1600万元 > 940万元", op: "compare", inputs: ["1600万元", "940万元"] }]);
  });

  it("compares people counted in 名 and in 人", async () => {
    const r = await answerQuestion(
      app,
      "山东选派赴日喀则组团帮扶的医技专家和广东第十批援藏工作队选派的“组团式”医疗人才，哪边人数更多？",
    );
    expect(r.answered).toBe(true);
    expect(has(r.answer, "66名") && has(r.answer, "90人")).toBe(true);
    expect(r.answer.split("\n").at(-1)).toMatch(/^结论：广东/);
  });
});

describe("totals", () => {
  it("adds the figures named in a list, shown as arithmetic and listed in derived", async () => {
    const r = await answerQuestion(
      app,
      "广东第十批援藏工作队进藏后选派的“组团式”医疗人才、柔性援藏医疗人才和三级医院对口帮扶人才，一共有多少人？",
    );
    expect(r.answered).toBe(true);
    expect(r.answer).toContain("90人 + 73名 + 149人 = 312人");
    expect(r.derived).toEqual([{ text: "312人", op: "sum", inputs: ["90人", "73名", "149人"] }]);
    expect(verifyFigures(r.answer, r.citations, r.derived).ok).toBe(true);
  });

  it("adds the figures one sentence lists when the question asks for each and then their total", async () => {
    const r = await answerQuestion(app, "广东援藏2022至2024年分别安排了多少个规划内项目？三年合计多少个？");
    expect(r.answered).toBe(true);
    expect(r.answer).toContain("50个 + 44个 + 79个 = 173个");
    expect(r.citations[0]?.source.startsWith("003")).toBe(true);
  });

  it("adds the figures one sentence lists when one clause asks for each and their total", async () => {
    const r = await answerQuestion(app, "广东援藏2022至2024年分别安排的规划内项目合计有多少个？");
    expect(r.answered).toBe(true);
    expect(r.answer).toContain("50个 + 44个 + 79个 = 173个");
  });

  it("takes inputs that differ by their year, each from a sentence naming its year", async () => {
    expect(analyzeCross("某县2019年和2020年的援建资金加起来是多少？")).toMatchObject({
      relation: "total",
      labels: ["2019年", "2020年"],
      named: ["2019", "2020"],
    });
    // 21、22年那10个项目 names one thing of two years: not two inputs.
    expect(analyzeCross("淄博援藏21、22年那10个基建项目一共投资多少？")?.named).toBeUndefined();
    const r = await answerQuestion(app, "淄博第九批援藏工作组2020年和2021—2022年的基建类项目一共投资多少？");
    expect(r.answered).toBe(true);
    expect(r.answer).toContain("4199万元 + 7430万元 = 11629万元");
    expect(verifyFigures(r.answer, r.citations, r.derived).ok).toBe(true);
  });

  it("answers a total the document states itself as stated, not as a sum of parts", async () => {
    const r = await answerQuestion(app, "山东援藏协调捐赠的资金和物资一共有多少？");
    expect(r.answered).toBe(true);
    expect(r.derived).toBeUndefined();
    expect(has(r.answer, "6369万元")).toBe(true);
  });
});

describe("the right one of several", () => {
  it("answers with the figure that counts the asked thing, not a nearby count of something else", async () => {
    expect(analyzeQuestion("广东省第十批援藏工作队选派了多少名教育人才到林芝帮扶？").parts[0]?.counted).toBe(
      "教育人才",
    );
    const r = await answerQuestion(app, "广东省第十批援藏工作队选派了多少名教育人才到林芝帮扶？");
    expect(r.answered).toBe(true);
    expect(has(r.answer, "90名教育人才")).toBe(true);
    expect(r.answer).not.toContain("医疗人才");
  });

  it("lets a province or batch in the question pick the document", async () => {
    const r = await answerQuestion(app, "广东省第十批援藏工作队在林芝完成科技立项多少项？");
    expect(r.answered).toBe(true);
    expect(has(r.answer, "39项")).toBe(true);
    expect(r.citations.every((c) => c.source.startsWith("003"))).toBe(true);
  });
});

describe("answers per source", () => {
  it("lists each document's figure with its subject when the question picks none", async () => {
    const r = await answerQuestion(app, "山东援藏一共帮助多少名先心病患儿得到救治？");
    expect(r.answered).toBe(true);
    expect(has(r.answer, "131名") && has(r.answer, "50名")).toBe(true);
    expect(r.answer).not.toContain("不同的答案");
    const lines = r.answer.split("\n").slice(1);
    expect(lines.every((l) => /\[\d\]$/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("淄博"))).toBe(true);
  });

  it("lists a document about the question's batch that counts the same thing in its own words", async () => {
    // 004 says 实施援藏项目2712个 in the question's words; 002 (淄博's 第九批) says 谋划确定对口支援项目47个.
    const r = await answerQuestion(app, "第九批援藏干部三年里实施了多少个援藏项目？");
    expect(r.answered).toBe(true);
    expect(has(r.answer, "2712个") && has(r.answer, "47个")).toBe(true);
    expect(new Set(r.citations.map((c) => c.source)).size).toBe(2);
    // 19个 and 39个 (the kinds of 淄博's projects) are parts of its 47个, not another document's answer.
    expect(has(r.answer, "19个")).toBe(false);
  });

  it("renders in Telegram as one line per source with its citation", async () => {
    const r = await answerQuestion(app, "第十批援藏工作队是什么时候进藏的？");
    expect(r.answered).toBe(true);
    const [first] = renderAnswerBlocks(r);
    const lines = (first ?? "").split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => /\[\d\]$/.test(l))).toHaveLength(2);
  });

  it("folds a republished copy of a report: one passage, one answer, the same confidence", async () => {
    // The same report reposted under another name, with a header of its own and ASCII punctuation, so that its
    // chunks start elsewhere. A copy is no competing answer: without folding, the best passage no longer stands
    // out from the next and the paraphrases below were refused.
    const local = tempCorpus();
    try {
      const name = "000_9d5d6f751b85c331.txt";
      const text = readFileSync(join(local.config.docsDir, name), "utf8");
      const ascii = text.replaceAll("，", ",").replaceAll("“", '"').replaceAll("”", '"');
      const copy = `转载自某市融媒体中心客户端，编辑：张三，责任编辑：李四。本文有删节。\n\n${ascii}`;
      writeFileSync(join(local.config.docsDir, "repost.txt"), copy);
      await ingest(local.config, testEmbeddings());
      const twice = await createApp(local.config, { embeddings: testEmbeddings() });
      const cases: [string, string][] = [
        ["白朗蔬菜那种模式推广开以后带着多少村民挣上钱了？", "3000多名"],
        ["山东给日喀则弄的那个光伏储能电站一年能发多少电？", "1亿千瓦时"],
      ];
      for (const [question, expected] of cases) {
        const r = await answerQuestion(twice, question);
        expect(r.answered, question).toBe(true);
        expect(has(r.answer, expected), r.answer).toBe(true);
        expect(r.answer.startsWith("各文件分别给出")).toBe(false);
        // No passage repeats most of a passage of the other document ranked above it (passages of one document
        // overlap by design: each is widened with its neighbours).
        const passages = await twice.retriever.hybridSearch(question);
        const sentencesOf = (t: string): string[] =>
          t
            .split(/[。！？\n]/)
            .map((x) => compactForCompare(x).replace(/[,，"“”]/g, ""))
            .filter(Boolean);
        const shown = new Map<string, Set<string>>();
        for (const p of passages) {
          const { source } = p.chunk.metadata;
          const own = sentencesOf(p.text);
          const elsewhere = (x: string): boolean => [...shown].some(([s, seen]) => s !== source && seen.has(x));
          const repeated = own.filter(elsewhere).join("").length / Math.max(1, own.join("").length);
          expect(repeated, `${source}: ${p.text.slice(0, 30)}`).toBeLessThan(0.6);
          const mine = shown.get(source) ?? new Set<string>();
          for (const x of own) mine.add(x);
          shown.set(source, mine);
        }
      }
    } finally {
      local.cleanup();
    }
  });

  it("keeps a figure about another attribute out of the answer (no false conflict)", async () => {
    const local = tempCorpus({ copySeeds: false });
    try {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(local.config.docsDir, { recursive: true });
      writeFileSync(
        join(local.config.docsDir, "fujian.txt"),
        "福建省第十批援藏工作队工作综述\n\n2022年7月，福建省第十批援藏工作队抵达林芝。工作队选派46名挂职干部到昌都市各县区开展帮扶工作。",
      );
      writeFileSync(
        join(local.config.docsDir, "guangdong.txt"),
        "广东省第十批援藏工作队工作综述\n\n2022年6月27日，广东省第十批援藏工作队170名干部人才抵达林芝。工作队选派90名教育人才来林帮扶。",
      );
      await ingest(local.config, testEmbeddings());
      const small = await createApp(local.config, { embeddings: testEmbeddings() });
      const r = await answerQuestion(small, "第十批援藏工作队选派了多少名挂职干部？");
      expect(r.answered).toBe(true);
      expect(has(r.answer, "46名")).toBe(true);
      expect(has(r.answer, "170名") || has(r.answer, "90名")).toBe(false);
      expect(r.citations.map((c) => c.source)).toEqual(["fujian.txt"]);
    } finally {
      local.cleanup();
    }
  });
});

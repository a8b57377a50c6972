// Pure text primitives on real lines from the seeds: PDF repair, sentences, figures, tokens, normalisation.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../src/corpus/chunk.js";
import { joinSplitDigits, rebuildParagraphs, repairPdfText } from "../src/corpus/repair.js";
import { extractEntities, batchNumber } from "../src/text/entities.js";
import { extractFigures, sameFigure } from "../src/text/figures.js";
import { compactForCompare, normalizeForMatch, toHalfWidth } from "../src/text/normalize.js";
import { splitSentences } from "../src/text/sentences.js";
import { tokenize } from "../src/text/tokenize.js";

const seed = (name: string): string => readFileSync(new URL(`../seeds/${name}`, import.meta.url), "utf8");

describe("repairPdfText on the seeds", () => {
  it("joins digits split by spaces, as in 000's report on the maternity hospital", () => {
    expect(joinSplitDigits("3 5 . 4 3 % ，门诊收入增长 1 0 6 . 4 3 % ；出院人次增长")).toBe(
      "35.43%，门诊收入增长106.43%；出院人次增长",
    );
    expect(joinSplitDigits("170 多个，惠及群众9300 余户 3 . 5 万余人，")).toBe("170多个，惠及群众9300余户3.5万余人，");
    expect(joinSplitDigits("千斤、 1 1 个百亩千斤绿色高质高效示范")).toBe("千斤、11个百亩千斤绿色高质高效示范");
    expect(joinSplitDigits("2022 年 8 月，面对突如其来的新冠疫")).toBe("2022年8月，面对突如其来的新冠疫");
  });

  it("keeps the space between Latin words", () => {
    expect(joinSplitDigits("从猛将传 and Z开始")).toBe("从猛将传and Z开始");
    expect(joinSplitDigits("Hello world")).toBe("Hello world");
  });

  it("rebuilds sentences broken every ~15 characters and joins a unit that fell on the next line", () => {
    const text = repairPdfText(seed("000_9d5d6f751b85c331.txt"));
    expect(text).toContain("657名山东援藏医疗队员不畏风险、昼夜奋战63天");
    expect(text).toContain("日喀则市妇幼保健院门诊量增长35.43%，门诊收入增长106.43%");
    expect(text).toContain("联合承担市级以上科技项目31个。");
    expect(text).toContain("惠及群众9300余户3.5万余人");
    expect(text).not.toMatch(/\n\n个/);
  });

  it("keeps headings as paragraphs of their own", () => {
    const paragraphs = rebuildParagraphs([
      "上一段到此结束了。",
      "殷殷嘱托、催人奋进",
      "西藏，有着全中国的牵挂。",
      "党中央对西藏工作始终高度重视，1994",
    ]);
    expect(paragraphs[1]).toBe("殷殷嘱托、催人奋进");
    const text = repairPdfText(seed("004_d619441e4e52d61d.txt"));
    expect(text.split("\n\n")).toContain("殷殷嘱托、催人奋进");
  });

  it("drops the block that 004 repeats three times", () => {
    const raw = seed("004_d619441e4e52d61d.txt");
    const sentence = "寿命从2015年的68.2岁提高至72.19岁";
    const rawJoined = raw.replace(/\s+/g, "");
    expect(rawJoined.split(sentence).length - 1).toBe(3);
    const text = repairPdfText(raw).replace(/\s+/g, "");
    expect(text.split(sentence).length - 1).toBe(1);
  });

  it("keeps traditional characters in the text (quotes stay faithful) and normalises them for matching", () => {
    const text = repairPdfText(seed("002_2a4bfa5699e19441.txt"));
    expect(text).toContain("中小學生");
    expect(normalizeForMatch("资助292名贫困大学生和中小學生")).toContain("中小学生");
  });
});

describe("normalisation", () => {
  it("maps full-width characters to half-width one for one", () => {
    expect(toHalfWidth("３５．４３％，ＡＢＣ")).toBe("35.43%,ABC");
    expect(compactForCompare("１.32 亿元")).toBe("1.32亿元");
  });
});

describe("sentences", () => {
  it("splits at 。！？； and keeps closing quotes with the sentence", () => {
    const s = splitSentences("他说：“援藏精神是崇高精神。”我们一定干好！真的吗？是的；好。");
    expect(s.map((x) => x.text)).toEqual([
      "他说：“援藏精神是崇高精神。”",
      "我们一定干好！",
      "真的吗？",
      "是的；",
      "好。",
    ]);
    const text = "第一句。第二句。";
    for (const x of splitSentences(text)) expect(text.slice(x.start, x.end)).toBe(x.text);
  });
});

describe("figures", () => {
  it("keeps a number with its unit, a percentage and a date whole", () => {
    const figs = extractFigures(
      "投资1.32亿元，门诊量增长35.43%，2022年7月抵达，2022年6月27日，170多个村居，951208人份，100万片",
    );
    expect(figs.map((f) => f.text)).toEqual([
      "1.32亿元",
      "35.43%",
      "2022年7月",
      "2022年6月27日",
      "170多个",
      "951208人份",
      "100万片",
    ]);
    expect(figs.map((f) => f.kind)).toEqual(["amount", "percent", "date", "date", "amount", "amount", "amount"]);
  });

  it("compares amounts across units", () => {
    const [a, b, c] = extractFigures("1.32亿元 13200万元 1.32万元");
    expect(sameFigure(a!, b!)).toBe(true);
    expect(sameFigure(a!, c!)).toBe(false);
  });

  it("tokenizes a figure as one token plus its bare number", () => {
    const tokens = tokenize("淄博援藏工作组投资1.32亿元，门诊量增长35.43%，2022年7月抵达日喀则市昂仁县");
    expect(tokens).toContain("1.32亿元");
    expect(tokens).toContain("35.43%");
    expect(tokens).toContain("2022年7月");
    expect(tokens).toContain("昂仁县");
    expect(tokens).toContain("援藏");
    expect(tokens).not.toContain("1");
  });

  it("drops function words of place and direction (往, 里, 向, 在) but keeps words built on them (公里, 这里)", () => {
    const tokens = tokenize("淄博援藏往昂仁县的育才基金里投了多少钱，距县城10公里，这里");
    expect(tokens).not.toContain("往");
    expect(tokens).not.toContain("里");
    expect(tokens).toContain("育才");
    expect(tokens).toContain("这里");
  });

  it("keeps a domain word the dictionary already knows at its own frequency (那曲 before 小伙 stays whole)", () => {
    // Loaded at the domain list's frequency (3, below the dictionary's 91), 那曲 lost to 那 + 曲 + 小伙.
    expect(tokenize("那曲小伙洛桑在卫健部门工作")).toEqual(expect.arrayContaining(["那曲", "小伙", "洛桑"]));
    expect(tokenize("那曲小伙洛桑在卫健部门工作")).not.toContain("曲");
    expect(tokenize("林芝市旅游收入")).toEqual(expect.arrayContaining(["林芝", "林芝市"]));
  });
});

describe("entities", () => {
  it("finds batches, places and years, with province short names", () => {
    const e = extractEntities("淄博市第九批援藏工作组2022年对口支援哪个县？");
    expect(e.find((x) => x.kind === "batch")?.text).toBe("第九批");
    expect(e.find((x) => x.kind === "year")?.text).toBe("2022年");
    expect(e.find((x) => x.text.startsWith("淄博"))?.variants).toContain("淄博");
    expect(batchNumber("第十一批")).toBe(11);
    expect(batchNumber("第9批")).toBe(9);
  });

  it("takes no question word or pointer for a name, however it ends", () => {
    const names = (q: string) => extractEntities(q).map((e) => e.text);
    expect(names("这篇论文是研究哪一区的民间传说？")).not.toContain("哪一区");
    expect(names("民主党的联盟包括纽约以及哪一州？")).not.toContain("哪一州");
    expect(names("清朝每一旗的佐领为何没有总管？")).not.toContain("每一旗");
    // Names that begin with such a character stay names.
    expect(names("那曲市的援藏医生有多少名？").some((n) => n.startsWith("那曲"))).toBe(true);
    expect(names("本溪市对口支援哪个县？")).toContain("本溪市");
  });

  it("takes the category a question word asks for for no name (哪家韩国公司), but keeps a province after it", () => {
    const names = (q: string) => extractEntities(q).map((e) => e.text);
    expect(names("哪家韩国公司在海洋勘探船领域的份额占了世界市场的六成？")).not.toContain("韩国公司");
    expect(names("全球第一的行动通讯网路规模是哪一家电信公司？")).not.toContain("电信公司");
    expect(names("淄博援建了哪个服务中心？")).not.toContain("服务中心");
    expect(names("淄博援建的农牧民服务中心有多大？")).toContain("服务中心");
    expect(names("哪家山东企业在昂仁县投资？")).toEqual(expect.arrayContaining(["山东", "昂仁县"]));
  });
});

describe("chunking", () => {
  it("cuts whole sentences with overlap and records source, heading and offsets", () => {
    const text = repairPdfText(seed("004_d619441e4e52d61d.txt"));
    const doc = { source: "004_d619441e4e52d61d.txt", title: "携手共建美丽幸福西藏", text, hash: "x" };
    const chunks = chunkDocument(doc, { size: 240, overlap: 60 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      expect(text.slice(c.metadata.start, c.metadata.end)).toBe(c.pageContent);
      expect(c.pageContent.length).toBeLessThanOrEqual(240 + 200);
      expect(c.metadata.source).toBe("004_d619441e4e52d61d.txt");
      expect(c.pageContent).toMatch(/[。！？；”」]$|[^。]$/);
    }
    // Overlap: consecutive chunks share text.
    const [a, b] = chunks;
    expect(b!.metadata.start).toBeLessThan(a!.metadata.end);
    expect(chunks.some((c) => c.metadata.heading === "殷殷嘱托、催人奋进")).toBe(true);
  });
});

// A report's date and origin, read from its own dateline or source line and carried on every citation (JSON
// `date` and `origin`, Telegram and the terminal); never guessed when the text does not say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import { renderAnswerBlocks } from "../src/bot/render.js";
import { renderPlain } from "../src/chat/plain.js";
import { provenanceOf } from "../src/corpus/provenance.js";
import { resolveFollowUp } from "../src/chat/follow-up.js";
import { extractEntities } from "../src/text/entities.js";
import { datedYears, relativeYears, withRelativeYears } from "../src/text/relative-years.js";
import { writtenApp, type TempCorpus } from "./helpers.js";

describe("reading a dateline", () => {
  it.each([
    ["发布时间：2023-05-18 10:20:00  来源：西藏日报\n\n正文第一段。", { date: "2023-05-18", origin: "西藏日报" }],
    ["2021年11月02日 08:15 来源:人民网-西藏频道\n\n正文。", { date: "2021-11-02", origin: "人民网-西藏频道" }],
    ["發佈時間:2016-09-30 來源:青海日報 作者:張三\n\n正文。", { date: "2016-09-30", origin: "青海日報" }],
    ["拉萨晚报 2019年07月01日 第03版\n\n正文。", { date: "2019-07-01", origin: "拉萨晚报" }],
    ["2020-10-0914:05:33 雪域新闻客户端\n\n正文。", { date: "2020-10-09", origin: "雪域新闻客户端" }],
    ["15.03.2017  09:12\n\n正文。", { date: "2017-03-15" }],
    ["新华社拉萨2022年8月3日电 记者某某报道\n\n正文。", { date: "2022-08-03", origin: "新华社" }],
    ["新华社拉萨8月3日电（记者某某）2022年，援藏工作队完成项目12个。", { date: "2022-08-03", origin: "新华社" }],
    ["拉萨日报记者张某某\n\n正文。", { origin: "拉萨日报" }],
  ])("reads %j", (text, expected) => {
    expect(provenanceOf(text)).toEqual(expected);
  });

  it("guesses nothing: no year beside a wire dateline, no dateline, a date inside the body", () => {
    expect(provenanceOf("中新网西宁9月25日电 题：援青十五载\n\n2010年首批干部进青。")).toEqual({ origin: "中新网" });
    expect(provenanceOf("近日，工作队在县城召开总结会。会议指出，2019年3月以来共实施项目8个。")).toEqual({});
    expect(provenanceOf("本报讯 日前，援藏工作队完成了全部项目。\n\n2018年5月6日，项目开工。")).toEqual({});
  });
});

describe("citations", () => {
  let corpus: TempCorpus;
  let app: App;
  beforeAll(async () => {
    ({ app, corpus } = await writtenApp({
      "dated.txt":
        "察隅县援建学校竣工\n发布时间：2023-09-12 16:40  来源：林芝日报\n\n" +
        "察隅县第二中学教学楼由广东援藏资金投资3260万元建设，可容纳学生1200名。\n",
      "undated.txt": "墨脱县医院扩建\n\n墨脱县人民医院扩建工程投资1850万元，新增床位60张。\n",
      "nyingchi-2019.txt":
        "林芝援藏工作综述\n2019-08-20 来源：西藏日报\n\n" +
        "2019年，广东省援藏工作队在林芝市投入援藏资金8.6亿元，实施项目95个。\n",
      "nyingchi-2023.txt":
        "林芝援藏新进展\n发布时间：2023-07-05 来源：南方日报\n\n" +
        "2023年，广东省援藏工作队在林芝市投入援藏资金10.2亿元，实施项目121个。\n",
      "zayu-2021.txt":
        "察隅县产业援藏\n发布时间：2021-11-08 来源：林芝日报\n\n" +
        "察隅县地处西藏东南部，气候温润，适宜种植茶叶、猕猴桃和中药材，当地群众素有种茶的传统。\n\n".repeat(30) +
        "今年以来，察隅县援藏工作组引进茶叶加工企业3家，带动农牧民增收460万元。\n\n" +
        "察隅县地处西藏东南部，气候温润，适宜种植茶叶、猕猴桃和中药材，当地群众素有种茶的传统。\n\n".repeat(30) +
        "自去年开始，察隅县援藏工作组在竹瓦根镇援建蔬菜大棚120座。\n",
    }));
  });
  afterAll(() => corpus?.cleanup());

  it("carry the report's date and origin in JSON, Telegram and the terminal", async () => {
    const a = await answer(app, "察隅县第二中学教学楼投资多少？");
    expect(a.answered).toBe(true);
    expect(a.citations[0]).toMatchObject({ source: "dated.txt", date: "2023-09-12", origin: "林芝日报" });
    expect(Object.keys(a.citations[0]!)).toEqual(["n", "source", "title", "date", "origin", "quote", "chunkId"]);
    expect(renderAnswerBlocks(a).join("\n")).toContain("（dated.txt · 2023-09-12 · 林芝日报）");
    expect(renderPlain(a)).toContain("（dated.txt · 2023-09-12 · 林芝日报）");
  });

  it("leave date and origin out when the report does not state them", async () => {
    const a = await answer(app, "墨脱县人民医院扩建工程投资多少？");
    expect(a.answered).toBe(true);
    expect(a.citations[0]?.source).toBe("undated.txt");
    expect(a.citations[0]).not.toHaveProperty("date");
    expect(a.citations[0]).not.toHaveProperty("origin");
  });

  it("give each report's answer on its own line, newest first, when reports answer differently", async () => {
    const a = await answer(app, "广东省援藏工作队在林芝市投入了多少援藏资金？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("10.2亿元");
    expect(a.answer).toContain("8.6亿元");
    expect(a.answer.indexOf("10.2亿元")).toBeLessThan(a.answer.indexOf("8.6亿元"));
    expect(a.citations.map((c) => c.date)).toEqual(["2023-07-05", "2019-08-20"]);
    const named = await answer(app, "2019年广东省援藏工作队在林芝市投入了多少援藏资金？");
    expect(named.answer).toContain("8.6亿元");
    expect(named.answer).not.toContain("10.2亿元");
    // A follow-up naming the year narrows the question asked before.
    const turn = { question: "广东省援藏工作队在林芝市投入了多少援藏资金？", entities: [], at: Date.now() };
    const narrowed = resolveFollowUp("那2019年呢？", { ...turn, entities: extractEntities(turn.question) });
    expect(narrowed).toBe("2019年广东省援藏工作队在林芝市投入了多少援藏资金？");
    const followed = await answer(app, narrowed);
    expect(followed.answer).toContain("8.6亿元");
    expect(followed.answer).not.toContain("10.2亿元");
  });

  it("read a year the question names against the report's date when its text says 今年", async () => {
    const a = await answer(app, "2021年察隅县援藏工作组引进了多少家茶叶加工企业？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("3家");
    expect(a.citations[0]).toMatchObject({ source: "zayu-2021.txt", date: "2021-11-08" });
    const other = await answer(app, "2016年察隅县援藏工作组引进了多少家茶叶加工企业？");
    expect(other.answered).toBe(false);
  });

  it("read 去年 against the report's date: asked by year, and shown with its year in the answer", async () => {
    const a = await answer(app, "2020年起察隅县援藏工作组在竹瓦根镇援建了多少座蔬菜大棚？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("120座");
    const when = await answer(app, "察隅县援藏工作组从哪一年开始在竹瓦根镇援建蔬菜大棚？");
    expect(when.answered).toBe(true);
    expect(when.answer).toContain("去年（2020年）");
    expect(when.citations[0]?.quote).toContain("自去年开始");
  });
});

describe("relative years", () => {
  it("are read against the report's date, and only when it has one", () => {
    expect(relativeYears("自去年开始，今年完成", "2013-08-01")).toEqual([
      { word: "今年", year: 2013 },
      { word: "去年", year: 2012 },
    ]);
    expect(relativeYears("自去年开始", undefined)).toEqual([]);
    expect(datedYears("截至目前", "2013")).toEqual(["2013"]);
    expect(withRelativeYears("自去年开始投入1400万元", "2013-08-01")).toBe("自去年（2012年）开始投入1400万元");
    expect(withRelativeYears("同年投入1400万元", "2013-08-01")).toBe("同年投入1400万元");
  });
});

describe("many reports answering differently", () => {
  let corpus: TempCorpus;
  let app: App;
  const years = [2017, 2018, 2019, 2020, 2021, 2022, 2023];
  beforeAll(async () => {
    const files = Object.fromEntries(
      years.map((y, i) => [
        `bomi-${y}.txt`,
        `波密县援藏工作年度综述\n发布时间：${y}-12-20 来源：林芝日报\n\n` +
          `${y}年，广东省援藏工作队在波密县投入援藏资金${3 + i}.${i + 1}亿元，实施项目${20 + i}个。\n`,
      ]),
    );
    ({ app, corpus } = await writtenApp(files));
  });
  afterAll(() => corpus?.cleanup());

  it("list five, newest first, and say in words how many more there are", async () => {
    const a = await answer(app, "广东省援藏工作队在波密县投入了多少援藏资金？");
    expect(a.answered).toBe(true);
    const lines = a.answer.split("\n");
    const listed = lines.filter((l) => /亿元/.test(l));
    expect(listed).toHaveLength(5);
    expect(a.citations.map((c) => c.date)).toEqual([
      "2023-12-20",
      "2022-12-20",
      "2021-12-20",
      "2020-12-20",
      "2019-12-20",
    ]);
    expect(lines.at(-1)).toMatch(/^另有两份资料给出其他数字/);
    const named = await answer(app, "2018年广东省援藏工作队在波密县投入了多少援藏资金？");
    expect(named.answer).toContain("4.2亿元");
    expect(named.answer).not.toContain("另有");
  });
});

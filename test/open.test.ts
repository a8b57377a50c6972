// Open questions (做了哪些项目？ 介绍一下…) answered as a cited list of one report's points: distinct, in the
// report's order, each with its citation; refused when no report is about the subject.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import { documentCandidates } from "../src/answer/candidates.js";
import { isOpenQuestion } from "../src/answer/open.js";
import { analyzeQuestion } from "../src/answer/question.js";
import { writtenApp, type TempCorpus } from "./helpers.js";

const REPORT = [
  "聊城援青工作组三年工作纪实",
  "发布时间：2024-06-30  来源：海北日报",
  "三年来，聊城市援青工作组扎根门源县，围绕民生改善开展了大量工作。",
  "工作组投资860万元新建了门源县第二幼儿园教学楼，可容纳幼儿360名。",
  "工作组投资420万元建成浩门镇牧民文化广场，改善了群众的文化生活。",
  "工作组投资1150万元建成了青石嘴镇饮水安全工程，惠及群众6000余人。",
  "工作组还援建了门源县农畜产品展销中心，帮助销售特色产品2300万元。",
  "工作组投资1150万元建成的青石嘴镇饮水安全工程，惠及群众6000余人。",
  "工作组组长表示，将继续做好援青工作。",
].join("\n\n");

/** A long report whose employment section lies far from its opening: the points come from the whole report. */
const LONG_REPORT = [
  "粤林协作三年综述",
  "发布时间：2024-07-01  来源：林芝日报",
  "三年来，广东省援藏工作队在林芝市全面推进各项援藏工作，取得了显著成效。",
  ...Array.from({ length: 12 }, (_, i) =>
    [
      `工作队第${"一二三四五六七八九十"[i % 10]}项基础设施工程投资${100 + i * 10}万元，修建乡村道路${3 + i}公里。`,
      `工作队援建的第${"一二三四五六七八九十"[i % 10]}座农牧民安居点可容纳${20 + i}户群众入住。`,
    ].join(""),
  ),
  "在就业方面，工作队与林芝市签订劳务合作协议，组织368名高校毕业生赴广东就业。",
  "工作队每年提供公务员岗位15个、企业岗位不少于3000个，专门面向西藏籍高校毕业生。",
  "工作队推动35家校企开展订单式培养，毕业生就业率保持在97%以上。",
  "在招商引资方面，工作队连续两年被评为招商引资工作成效突出单位。",
].join("\n\n");

/** A bulletin of two stories, each under its headline and 本报讯: a list comes from the story that answers. */
const STORY_A = [
  "德州援疆：齐心协力建设美丽家园",
  "本报讯 记者王明报道 2024年，德州援疆工作组在岳普湖县扎实推进各项援建工作。",
  "工作组投资3200万元建成岳普湖县职业技术学校实训楼，可容纳学生1200名。",
  "工作组投资900万元援建了岳普湖县人民医院门诊楼，新增床位80张。",
  "工作组帮助引进纺织企业6家，带动当地就业2100人。",
];
const STORY_B = [
  "滨州援疆：产业帮扶取得新成效",
  "本报讯 记者李强报道 2024年，滨州援疆工作组在伽师县聚焦产业帮扶开展工作。",
  "工作组投资2600万元建成伽师县农产品冷链物流中心，年周转能力5万吨。",
  "工作组投资1400万元援建了伽师县新梅产业园加工车间，带动就业500人。",
  "工作组帮助伽师新梅进入山东商超120家，销售额突破8000万元。",
];
const BULLETIN = ["山东对口支援工作简报", ...STORY_A, ...STORY_B].join("\n\n");

let corpus: TempCorpus;
let app: App;
beforeAll(async () => {
  ({ app, corpus } = await writtenApp({
    "liaocheng.txt": `${REPORT}\n`,
    "nyingchi.txt": `${LONG_REPORT}\n`,
    "bulletin.txt": `${BULLETIN}\n`,
    "other.txt": "昌都市医疗援藏简讯\n\n天津援藏医疗队在昌都市人民医院开展义诊活动，接诊患者300余人次。\n",
  }));
});
afterAll(() => corpus?.cleanup());

describe("open questions", () => {
  it("are told from questions that ask one thing", () => {
    expect(isOpenQuestion(analyzeQuestion("聊城援青工作组在门源县建了哪些项目？"))).toBe(true);
    expect(isOpenQuestion(analyzeQuestion("介绍一下聊城援青工作组的工作成效"))).toBe(true);
    expect(isOpenQuestion(analyzeQuestion("聊城援青工作组投资多少新建幼儿园教学楼？"))).toBe(false);
    expect(isOpenQuestion(analyzeQuestion("哪些县由聊城对口支援？"))).toBe(false);
  });

  it("are answered with several distinct, cited points of the report, in its order", async () => {
    const a = await answer(app, "聊城援青工作组在门源县建了哪些项目？");
    expect(a.answered).toBe(true);
    const lines = a.answer.split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^• .+\[\d+\]$/);
    // No point twice: the repeated sentence about the water project appears once.
    expect(a.answer.match(/饮水安全工程/g)).toHaveLength(1);
    for (const c of a.citations) expect(c.source).toBe("liaocheng.txt");
    // In the report's order.
    const at = (s: string): number => REPORT.indexOf(s);
    const order = a.citations.map((c) => at(c.quote.slice(0, 12)));
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(a.answer).toContain("860万元");
  });

  it("take their points from the whole report by the question's topic, not its filler words (方面, 搞)", async () => {
    const a = await answer(app, "广东省援藏工作队在林芝就业方面做了哪些事？");
    expect(a.answered).toBe(true);
    const held = ["368名", "公务员岗位15个", "35家校企"].filter((p) => a.answer.includes(p));
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(a.answer).not.toContain("招商引资");
  });

  it("take their points from the one story of a bulletin that answers, not from its other stories", async () => {
    const a = await answer(app, "滨州援疆工作组在伽师县建了哪些项目？");
    expect(a.answered).toBe(true);
    expect(a.citations.length).toBeGreaterThanOrEqual(2);
    for (const c of a.citations) {
      expect(c.source).toBe("bulletin.txt");
      expect(STORY_B.some((s) => s.replace(/\s/g, "").includes(c.quote.slice(0, 10)))).toBe(true);
    }
    expect(a.answer).not.toMatch(/岳普湖|德州/);
  });

  it("are refused when no report is about the subject", async () => {
    const a = await answer(app, "安徽援藏工作队在错那县做了哪些项目？");
    expect(a.answered).toBe(false);
  });
});

describe("the report read for a list", () => {
  it("is a bounded window around the answer's passage in a very long document", () => {
    const chunks = Array.from({ length: 600 }, (_, i) => ({
      pageContent: `第${i}段的内容说明援建项目的进展情况。`,
      metadata: {
        chunkId: `long.txt#${i}`,
        source: "long.txt",
        title: "长文",
        heading: "",
        start: i * 40,
        end: i * 40 + 30,
      },
    }));
    const sentences = { row: new Map<string, number>(), keys: [] as string[], vectors: new Float32Array(0) };
    const app = { index: { chunks, sentences } } as unknown as Parameters<typeof documentCandidates>[0];
    const read = documentCandidates(app, "long.txt", [], [], chunks[450] as never);
    const at = new Set(read.map((c) => Number(c.chunk.metadata.chunkId.split("#")[1])));
    expect(at.size).toBe(200);
    expect(at.has(450)).toBe(true);
    expect(Math.min(...at)).toBe(350);
    const start = documentCandidates(app, "long.txt", [], []);
    expect(new Set(start.map((c) => c.chunk.metadata.chunkId)).size).toBe(200);
  });
});

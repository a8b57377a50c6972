// Which clauses of a long sentence are quoted (issue 31, point 3: the answer holds what was asked): asked why, the
// clause that gives the cause, not the ones after 因此 that repeat the question; asked which year, a clause with a
// year, not one with a number of years in words (十年建设). 為甚麼 asks as 為什麼 does. Reports of our own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import { analyzeQuestion } from "../src/answer/question.js";
import { normalizeForMatch } from "../src/text/normalize.js";
import { writtenApp, type TempCorpus } from "./helpers.js";

const HEATING =
  "援藏民生工程简讯\n\n由于高原地区冬季漫长、取暖燃料短缺，日喀则市桑珠孜区的许多中小学长期缺少温暖的教室，" +
  "学生冬天只能穿着棉衣上课，因此山东援藏工作队在桑珠孜区实施了校园供暖工程，为全区28所中小学铺设供暖管网，" +
  "配套建设锅炉房和热交换站，惠及师生1.2万余人，成为当地群众交口称赞的民生工程之一。\n";
const TEACHERS =
  "援疆教育简讯\n\n第二批援疆干部到岗后发现当地学校缺少双语教师，不少学生听不懂普通话授课，因此工作队从山东选派了" +
  "60名双语教师赴疏附县任教，并为当地培训教师300多人次，组织师生赴山东研学交流5批次，推动学校教学质量明显提高，" +
  "受到各族群众的普遍欢迎和好评，成为援疆工作中的一大亮点。\n";
const KASHGAR =
  "援疆工作回顾\n\n2012年初，首批援疆干部抵达喀什，经过半年筹备，8月15日喀什援疆指挥部正式挂牌成立，" +
  "由此开始了对口援建喀什的十年建设。\n";

const MEETING = "援疆协作简讯\n\n为协调援建项目，两省援疆指挥部每半年召开一次联席会议，通报项目进展。\n";
const EXHIBITION = "援藏成果展简讯\n\n2019年，首届援藏成果展在拉萨市举办，展出图片500余幅。\n";

let corpus: TempCorpus;
let app: App;
beforeAll(async () => {
  ({ app, corpus } = await writtenApp({
    "heating.txt": HEATING,
    "teachers.txt": TEACHERS,
    "kashgar.txt": KASHGAR,
    "exhibition.txt": EXHIBITION,
    "meeting.txt": MEETING,
  }));
});
afterAll(() => corpus?.cleanup());

describe("the clause quoted from a long sentence", () => {
  it("asked why, holds the cause (由于…), not only the clauses that repeat the question (因此…)", async () => {
    const a = await answer(app, "山东援藏工作队为什么在桑珠孜区实施校园供暖工程？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("冬季漫长");
  });

  it("asked why, does not open with the result (因此…) when the cause stands before it unmarked", async () => {
    const a = await answer(app, "工作队为什么从山东选派双语教师赴疏附县任教？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("听不懂普通话");
  });

  it("reads 為甚麼 as 為什麼: a question asking why", async () => {
    expect(normalizeForMatch("為甚麼")).toBe("为什么");
    expect(normalizeForMatch("甚至")).toBe("甚至");
    expect(analyzeQuestion("山東援藏工作隊為甚麼實施校園供暖工程？").parts[0]?.kind).toBe("reason");
    const a = await answer(app, "山東援藏工作隊為甚麼在桑珠孜區實施校園供暖工程？");
    expect(a.answer).toContain("冬季漫长");
  });

  it("asked which year, holds a year, not a number of years in words (十年建设)", async () => {
    const a = await answer(app, "喀什援疆指挥部在哪一年正式挂牌成立？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("2012年");
  });
});

describe("a misspelt question word", () => {
  it("reads 什麼時後 as 什麼時候: a question asking when", () => {
    expect(normalizeForMatch("在什麼時後")).toBe("在什么时候");
    expect(normalizeForMatch("一小时后")).toBe("一小时后");
    expect(analyzeQuestion("喀什援疆指挥部在什麼時後正式挂牌成立？").parts[0]?.kind).toBe("date");
  });
});

describe("a place asked at two levels", () => {
  it("哪一个县市 is answered by a city as by a county", async () => {
    expect(analyzeQuestion("首届援藏成果展在哪一个县市举办？").parts[0]?.level).toBe("县|市");
    const a = await answer(app, "首届援藏成果展在哪一个县市举办？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("拉萨市");
  });
});

describe("a frequency asked", () => {
  it("多久一次 is answered by 每半年, a period without a figure of time", async () => {
    const a = await answer(app, "两省援疆指挥部的联席会议多久召开一次？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("每半年");
  });
});

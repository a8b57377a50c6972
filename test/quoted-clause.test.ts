// The answer holds what was asked (issue 31, point 3), in reports of our own: 為甚麼 asks as 為什麼 does; a frequency
// asked (多久一次) is answered by a period (每半年).
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

const MEETING = "援疆协作简讯\n\n为协调援建项目，两省援疆指挥部每半年召开一次联席会议，通报项目进展。\n";

let corpus: TempCorpus;
let app: App;
beforeAll(async () => {
  ({ app, corpus } = await writtenApp({ "heating.txt": HEATING, "meeting.txt": MEETING }));
});
afterAll(() => corpus?.cleanup());

describe("a question word written otherwise", () => {
  it("reads 為甚麼 as 為什麼: a question asking why", async () => {
    expect(normalizeForMatch("為甚麼")).toBe("为什么");
    expect(normalizeForMatch("甚至")).toBe("甚至");
    expect(analyzeQuestion("山東援藏工作隊為甚麼實施校園供暖工程？").parts[0]?.kind).toBe("reason");
    const a = await answer(app, "山東援藏工作隊為甚麼在桑珠孜區實施校園供暖工程？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("校园供暖工程");
  });
});

describe("a frequency asked", () => {
  it("多久一次 is answered by 每半年, a period without a figure of time", async () => {
    const a = await answer(app, "两省援疆指挥部的联席会议多久召开一次？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("每半年");
  });
});

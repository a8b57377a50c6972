// The asked type holds to the end (issue 31, point 3): a place asked at a level (哪个县) is answered by a place
// of that level or refused, never by "a thing" about the subject when no sentence names such a place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import { writtenApp, type TempCorpus } from "./helpers.js";

const REPORT = [
  "援藏文化项目巡礼",
  "发布时间：2024-05-20  来源：西藏日报",
  "由山东援藏工作队援建的雪域非遗博物馆于2023年建成开放，馆内收藏藏族传统手工艺品1200余件。",
  "雪域非遗博物馆建筑面积3600平方米，总投资4500万元，年接待游客8万人次。",
  "博物馆还设立了非遗传承人工作室，培训当地手工艺人300余名。",
].join("\n\n");

const SCHOOL = "职业教育援藏简讯\n\n山东援藏工作队在昂仁县援建的职业技术学校已招收学生800名。\n";

let corpus: TempCorpus;
let app: App;
beforeAll(async () => {
  ({ app, corpus } = await writtenApp({ "museum.txt": `${REPORT}\n`, "school.txt": SCHOOL }));
});
afterAll(() => corpus?.cleanup());

describe("a place asked at a level", () => {
  it("is refused when no sentence about the subject names a place of that level", async () => {
    const a = await answer(app, "雪域非遗博物馆建在哪个县？");
    expect(a.answered).toBe(false);
  });

  it("is answered by the place of that level when the sentence names it", async () => {
    const a = await answer(app, "山东援藏工作队援建的职业技术学校在哪个县？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("昂仁县");
  });
});

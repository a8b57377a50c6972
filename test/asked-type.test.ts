// The asked type holds to the end (issue 31, point 3): a place asked at a level (哪个县) is answered by a place
// of that level or refused, never by "a thing" about the subject when no sentence names such a place; a figure
// asked by what it counts (多少名女干部) agrees with it, and a number that names a plan (「1451」) counts nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { subsetMarker } from "../src/answer/agreement.js";
import { answer } from "../src/answer/index.js";
import { extractEntities } from "../src/text/entities.js";
import { writtenApp, type TempCorpus } from "./helpers.js";

const REPORT = [
  "援藏文化项目巡礼",
  "发布时间：2024-05-20  来源：西藏日报",
  "由山东援藏工作队援建的雪域非遗博物馆于2023年建成开放，馆内收藏藏族传统手工艺品1200余件。",
  "雪域非遗博物馆建筑面积3600平方米，总投资4500万元，年接待游客8万人次。",
  "博物馆还设立了非遗传承人工作室，培训当地手工艺人300余名。",
].join("\n\n");

const SCHOOL = "职业教育援藏简讯\n\n山东援藏工作队在昂仁县援建的职业技术学校已招收学生800名。\n";

// Sentences about the right thing that lack what was asked, and ones that hold it in the document's own words.
const TEAMS = [
  "援建队伍简讯",
  "发布时间：2024-03-01  来源：援建简报",
  "第十批淄博援藏工作组共有干部42名，在昂仁县各部门挂职。",
  "聊城援青工作组在刚察县提出「1451」工作思路，推动产业、教育、医疗协同发展。",
  "天津市对口支援甘南州以来，共选派援建干部120名。",
  "天津市15家三级甲等医疗机构选派30名专业骨干赴和田地区人民医院帮扶。",
  "2023年天津援疆在和田启动实施23项民生项目。",
  "第三批援青工作队共有队员26名，分布在海北州的四个县。",
  "三年来，第三批援青工作队队员平均每人体重下降8公斤。",
  "目前，宁波援建工作组正制定总额度三亿元的援建计划。",
  "宁波援建工作组去年投入援建资金2050万元。",
  "镇江市援建七十七团、七十六团、六十一团三个团场的沉砂池，解决了20余万亩耕地的灌溉问题。",
  "正如第二批援青干部联络组组长王海此前所说，援青工作要一任接着一任干。",
].join("\n\n");

// A batch's figure and a figure over twenty years, in reports of two cities.
const HUZHOU = "湖州援疆简讯\n\n第七批湖州援疆工作队投入援疆资金3.6亿元。\n";
const JIAXING = "嘉兴援疆简讯\n\n第七批嘉兴援疆工作队投入援疆资金2.1亿元。\n\n嘉兴援疆二十年来累计投入资金12亿元。\n";
// A total and its per-county share in one sentence.
const ZHECHUAN =
  "浙川协作简讯\n\n坚持加大投入，多举措保障民生。2021年以来，浙江各级财政累计向四川5市12个县投入帮扶资金约6.9亿元，" +
  "其中，2023年度投入帮扶资金2.1亿元，县均帮扶资金从1200多万元提高至近5750万元，聚焦产业园区和农村基础设施建设。\n";

let corpus: TempCorpus;
let app: App;
beforeAll(async () => {
  ({ app, corpus } = await writtenApp({
    "museum.txt": `${REPORT}\n`,
    "school.txt": SCHOOL,
    "teams.txt": `${TEAMS}\n`,
    "huzhou.txt": HUZHOU,
    "jiaxing.txt": JIAXING,
    "zhechuan.txt": ZHECHUAN,
  }));
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

describe("a figure asked by what it counts", () => {
  it("is refused when the sentence counts the whole and not the kind asked (女干部 of 干部)", async () => {
    expect((await answer(app, "淄博援藏工作组有多少名女干部？")).answered).toBe(false);
    const all = await answer(app, "淄博援藏工作组有多少名干部？");
    expect(all.answered).toBe(true);
    expect(all.answer).toContain("42名");
  });

  it("is refused when the sentence counts the whole group and not the part asked (藏族学生, 农村学生)", async () => {
    // The part is picked by a marker word; a qualifier that only names the kind (先心病患儿) is no part.
    expect(subsetMarker("青年教师")).toBe("青年");
    expect(subsetMarker("先心病患儿")).toBeUndefined();
    expect((await answer(app, "山东援藏工作队援建的职业技术学校招收了多少名藏族学生？")).answered).toBe(false);
    expect((await answer(app, "山东援藏工作队援建的职业技术学校招收了多少名农村学生？")).answered).toBe(false);
    const all = await answer(app, "山东援藏工作队援建的职业技术学校招收了多少名学生？");
    expect(all.answer).toContain("800名");
  });

  it("is not a number in quotation marks that names a plan (「1451」工作思路)", async () => {
    expect((await answer(app, "聊城援青工作组在刚察县投入了多少资金？")).answered).toBe(false);
  });

  it("is refused when the question names a place the sentence does not (黄南州, not 甘南州)", async () => {
    expect((await answer(app, "天津市对口支援黄南州共选派了多少名干部？")).answered).toBe(false);
    const named = await answer(app, "天津市对口支援甘南州共选派了多少名干部？");
    expect(named.answer).toContain("120名");
  });

  it("is refused when the question names a city no report names (深圳: any prefecture-level name)", async () => {
    expect(extractEntities("深圳援藏工作队有多少人？").map((e) => [e.text, e.kind])).toContainEqual(["深圳", "place"]);
    expect((await answer(app, "深圳援藏工作队援建的职业技术学校招收了多少名学生？")).answered).toBe(false);
  });

  it("over twenty years is not a batch's figure (20年累计 is not 第七批…3.6亿元)", async () => {
    expect((await answer(app, "湖州援疆20年累计投入了多少资金？")).answered).toBe(false);
    const span = await answer(app, "嘉兴援疆20年累计投入了多少资金？");
    expect(span.answered).toBe(true);
    expect(span.answer).toContain("12亿元");
  });

  it("asked per county, is the sentence's per-county figure, not the total beside it (县均, not 累计)", async () => {
    const a = await answer(app, "浙川协作中，浙江给四川每个县的平均帮扶后来提高到了多少？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("5750万元");
    expect(a.answer).not.toContain("6.9亿元");
  });

  it("reads money written in Chinese numerals (三亿元) as money", async () => {
    const a = await answer(app, "宁波援建工作组正在制定的援建计划总额度是多少？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("三亿元");
  });

  it("takes a listed subject's head as what is counted, not as a list entry (三个团场的沉砂池)", async () => {
    const a = await answer(app, "镇江援建的三个沉砂池解决了多少亩耕地的灌溉？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("20余万亩");
  });
});

describe("a person asked of a batch", () => {
  it("is refused when the sentence names the post of another batch only (第二批, not 第三批)", async () => {
    expect((await answer(app, "第三批援青干部联络组组长是谁？")).answered).toBe(false);
    const named = await answer(app, "第二批援青干部联络组组长是谁？");
    expect(named.answered).toBe(true);
    expect(named.answer).toContain("王海");
  });
});

describe("chat-style questions (几个, 瘦了多少)", () => {
  it("reads 瘦了多少 as a weight (公斤), not any figure about the subject", async () => {
    const a = await answer(app, "第三批援青工作队队员人均瘦了多少？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("8公斤");
    expect(a.answer).not.toContain("26名");
  });

  it("几个 is answered by a figure in the document's own classifier when the counted thing follows it", async () => {
    const staff = await answer(app, "天津派了多少个专业骨干去和田地区人民医院？");
    expect(staff.answered).toBe(true);
    expect(staff.answer).toContain("30名");
    const projects = await answer(app, "天津援疆在和田整了几个民生项目？");
    expect(projects.answered).toBe(true);
    expect(projects.answer).toContain("23项");
  });
});

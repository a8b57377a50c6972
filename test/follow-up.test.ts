// Follow-up questions resolved against the previous turn, then answered from the real index of the seeds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { answerQuestion } from "../src/answer/pipeline.js";
import { ChatMemory, TURN_TTL_MS, isFollowUp, resolveFollowUp } from "../src/chat/follow-up.js";
import { extractEntities } from "../src/text/entities.js";
import { seedsApp, type TempCorpus } from "./helpers.js";

const turn = (question: string, at = Date.now()) => ({ question, entities: extractEntities(question), at });

describe("resolving follow-ups", () => {
  it("swaps the place for 那广东呢 and drops the old sub-place", () => {
    const q = resolveFollowUp("那广东呢？", turn("山东省第十批援藏干部人才是什么时候抵达日喀则的？"));
    expect(q).toContain("广东");
    expect(q).toContain("第十批");
    expect(q).not.toContain("山东");
    expect(q).not.toContain("日喀则");
  });

  it("carries the subject into 其中… and 它…", () => {
    expect(resolveFollowUp("其中医疗方面投入了多少？", turn("2022年山东援藏共投入援藏资金多少？"))).toMatch(
      /2022年.*山东.*医疗方面投入了多少/,
    );
    const it2 = resolveFollowUp("它对口支援哪个县？", turn("淄博市第九批援藏工作组有几名援藏党员干部？"));
    expect(it2).toContain("淄博市");
    expect(it2).toContain("第九批");
  });

  it("leaves an unrelated question, or one after a long pause, alone", () => {
    const q = "定西市马铃薯平均亩产由多少斤跃升到多少斤？";
    expect(isFollowUp(q)).toBe(false);
    expect(resolveFollowUp(q, turn("淄博市第九批援藏工作组有几名援藏党员干部？"))).toBe(q);
    expect(
      resolveFollowUp(
        "那广东呢？",
        turn("山东省第十批援藏干部人才是什么时候抵达日喀则的？", Date.now() - TURN_TTL_MS - 1),
      ),
    ).toBe("那广东呢？");
  });

  it("remembers the last turn per chat", () => {
    const memory = new ChatMemory(2);
    memory.remember(1, "淄博市第九批援藏工作组对口支援哪个县？");
    memory.remember(2, "广东省第十批援藏工作队有多少名干部人才？");
    memory.remember(3, "日喀则市共建设了多少家“孔子学堂”？");
    expect(memory.get(1)).toBeUndefined();
    expect(memory.get(2)?.entities.some((e) => e.text === "第十批")).toBe(true);
  });
});

describe("answering resolved follow-ups", () => {
  let app: App;
  let corpus: TempCorpus;
  beforeAll(async () => {
    ({ app, corpus } = await seedsApp());
  });
  afterAll(() => corpus.cleanup());

  it("answers 那广东呢 after the 山东 question with 广东's date", async () => {
    const q = resolveFollowUp("那广东呢？", turn("山东省第十批援藏干部人才是什么时候抵达日喀则的？"));
    const a = await answerQuestion(app, q);
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("2022年6月27日");
    expect(a.citations[0]?.source).toBe("003_49bb09d571b726a9.txt");
  });
});

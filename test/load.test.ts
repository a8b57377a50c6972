// One user's heavy questions never slow another chat past a second: three users keep sending the heaviest
// question the bot takes (谁？ 250 times, 500 characters) while a fourth asks ordinary questions, over HTTP
// against the emulator. The answerer reads at most MAX_QUESTION_PARTS parts, and the rate limit charges a long
// question more than a short one (rate.ts messageCost), so the attackers' work per second stays small. And a
// document without sentence punctuation is answered, and shown by 原文, in one message each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { messageCost } from "../src/bot/rate.js";
import { countMessages, startHarness, userClient, waitForMessage, type Harness } from "../src/harness/emulator.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp, ingest } from "../src/app.js";
import { SOURCE_WINDOW_CHARS, sourceWindow, TELEGRAM_LIMIT } from "../src/bot/render.js";
import { seedsApp, tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";

let corpus: TempCorpus;
let h: Harness;

beforeAll(async () => {
  const built = await seedsApp();
  corpus = built.corpus;
  // The bot's own rate limit (6 at once, refilled over 10 s), as users get it.
  h = await startHarness(corpus.config, new LiveApp(built.app));
});
afterAll(async () => {
  await h?.stop();
  corpus?.cleanup();
});

/** Sends a question and waits for the bot's reply to it (an answer or a request to slow down). */
async function ask(userId: number, text: string): Promise<{ text: string; ms: number }> {
  const c = userClient(h.server, userId);
  const before = countMessages(h.server, userId);
  const started = performance.now();
  await c.sendMessage(c.makeMessage(text));
  const reply = await waitForMessage(h.server, userId, (m) => m.buttons.length > 0 || m.text.includes("太快"), {
    after: before,
  });
  return { text: reply.text, ms: performance.now() - started };
}

describe("three users sending the heaviest question", () => {
  it("charge a 500-character question three tokens and a short one one", () => {
    expect(messageCost("谁？".repeat(250))).toBe(3);
    expect(messageCost("昂仁县投资多少？")).toBe(1);
  });

  it("leave another user's answers under a second", async () => {
    const heavy = "谁？".repeat(250);
    // Warm: the victim's question once alone, so the model's first run is not counted.
    const alone = await ask(9801, "广东省第十批援藏工作队有多少名干部人才？");
    let running = true;
    const attacker = async (userId: number): Promise<number> => {
      let answered = 0;
      while (running) {
        const reply = await ask(userId, heavy);
        if (!reply.text.includes("太快")) answered++;
      }
      return answered;
    };
    const attackers = [9802, 9803, 9804].map(attacker);
    const victim: number[] = [];
    for (const q of ["淄博市第九批援藏工作组对口支援哪个县？", "广东省第十批援藏工作队有多少名干部人才？"]) {
      for (let i = 0; i < 3; i++) victim.push((await ask(9801, q)).ms);
    }
    running = false;
    const answered = await Promise.all(attackers);
    // The attackers were answered (the load was real), and limited.
    expect(answered.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6);
    victim.sort((a, b) => a - b);
    console.log(
      `victim alone ${alone.ms.toFixed(0)} ms; under load median ${victim[3]!.toFixed(0)} ms, ` +
        `max ${victim.at(-1)!.toFixed(0)} ms; attackers answered ${answered.join("/")}`,
    );
    expect(victim[3]!).toBeLessThan(1000);
    expect(victim.at(-1)!).toBeLessThan(2000);
  });
});

describe("a document without sentence punctuation", () => {
  let list: TempCorpus;
  let hl: Harness;
  const USER = 9811;

  beforeAll(async () => {
    list = tempCorpus();
    const lines = Array.from({ length: 3000 }, (_, i) => `援建项目${i + 1} 资金${(i % 97) + 3}万元 已完工`);
    writeFileSync(join(list.config.docsDir, "项目清单.txt"), `项目清单\n${lines.join("\n")}\n`);
    await ingest(list.config, testEmbeddings());
    const app = await createApp(list.config, { embeddings: testEmbeddings() });
    hl = await startHarness(list.config, new LiveApp(app), { rateLimit: { limit: 100, windowMs: 1000 } });
  });
  afterAll(async () => {
    await hl?.stop();
    list?.cleanup();
  });

  it("is answered in one message, and its 原文 is one message with its place in the document", async () => {
    const c = userClient(hl.server, USER);
    const before = countMessages(hl.server, USER);
    await c.sendMessage(c.makeMessage("援建项目1234的资金是多少？"));
    const answer = await waitForMessage(hl.server, USER, (m) => m.buttons.some((b) => b.text === "👍"), {
      after: before,
    });
    expect(countMessages(hl.server, USER) - before).toBe(1);
    const source = answer.buttons.find((b) => b.text.startsWith("原文"));
    expect(source).toBeDefined();
    const b2 = countMessages(hl.server, USER);
    await c.sendCallback(c.makeCallbackQuery(source!.data, { message: { message_id: answer.messageId } }));
    const shown = await waitForMessage(hl.server, USER, (m) => m.text.includes("原文"), { after: b2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(countMessages(hl.server, USER) - b2).toBe(1);
    expect(shown.text).toMatch(/第 \d+ 段（共 \d+ 段）/);
    expect(shown.text.length).toBeLessThan(TELEGRAM_LIMIT);
  });
});

describe("the 原文 window", () => {
  it("shows a long passage around its quote, cut with … on both sides", () => {
    const text = "甲".repeat(3000) + "投资1.32亿元。" + "乙".repeat(3000);
    const window = sourceWindow(text, "投资1.32亿元。");
    expect(window.length).toBeLessThanOrEqual(SOURCE_WINDOW_CHARS + 2);
    expect(window).toContain("投资1.32亿元。");
    expect(window.startsWith("…") && window.endsWith("…")).toBe(true);
    expect(sourceWindow("短段落。", "短段落。")).toBe("短段落。");
  });
});

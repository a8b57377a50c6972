// One user's heavy questions never slow another chat past a second: three users keep sending the heaviest
// question the bot takes (谁？ 250 times, 500 characters) while a fourth asks ordinary questions, over HTTP
// against the emulator. The answerer reads at most MAX_QUESTION_PARTS parts, and the rate limit charges a long
// question more than a short one (rate.ts messageCost), so the attackers' work per second stays small.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { messageCost } from "../src/bot/rate.js";
import { countMessages, startHarness, userClient, waitForMessage, type Harness } from "../src/harness/emulator.js";
import { seedsApp, type TempCorpus } from "./helpers.js";

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

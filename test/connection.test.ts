// A bot that cannot reach the Bot API says so: at start (nothing listening yet) and when the server goes away
// while it polls, it logs each failed attempt with its back-off, keeps retrying, logs when the API is back and
// then answers again. Real bot, real emulator, a real port that is closed and then opened.
import { run } from "@grammyjs/runner";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { createBot } from "../src/bot/bot.js";
import { createLogger } from "../src/log.js";
import { seedsApp, type TempCorpus } from "./helpers.js";
import { TOKEN, freePort, waitForMessage } from "../src/harness/emulator.js";

let corpus: TempCorpus;
let live: LiveApp;
beforeAll(async () => {
  const built = await seedsApp();
  corpus = built.corpus;
  live = new LiveApp(built.app);
});
afterAll(() => corpus?.cleanup());

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe("Telegram unreachable", () => {
  it("is logged with retries and back-off at start and mid-run, and its return is logged", async () => {
    const port = await freePort();
    const apiRoot = `http://127.0.0.1:${port}`;
    const logs: string[] = [];
    const config = { ...corpus.config, botToken: TOKEN, telegramApiRoot: apiRoot };
    const bot = createBot(
      config,
      live,
      createLogger(config, (l) => logs.push(l)),
      { connection: { firstDelayMs: 100, maxDelayMs: 400 } },
    );
    bot.api.config.use(async (prev, method, payload, signal) => {
      const res = await prev(method, payload, signal);
      if (method === "getUpdates" && res.ok && Array.isArray(res.result) && res.result.length === 0)
        await new Promise((r) => setTimeout(r, 30));
      return res;
    });
    const unreachable = (): string[] => logs.filter((l) => l.includes("cannot reach the Telegram Bot API"));
    const back = (): string[] => logs.filter((l) => l.includes("Telegram Bot API reachable again"));

    const init = bot.init();
    await until(() => unreachable().length >= 3);
    expect(unreachable()[0]).toMatch(/WARN .*method=getMe attempt=1 retryInSeconds=0.1/);
    expect(unreachable()[2]).toMatch(/attempt=3 retryInSeconds=0.4/);
    expect(logs.join("\n")).not.toContain(TOKEN);

    let server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    await init;
    await until(() => back().length === 1);
    const runner = run(bot, { runner: { silent: true } });
    try {
      await server.stop();
      const before = unreachable().length;
      await until(() =>
        unreachable()
          .slice(before)
          .some((l) => l.includes("method=getUpdates")),
      );
      server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
      await server.start();
      await until(() => back().length === 2);
      expect(back()[1]).toMatch(/downSeconds=\d+/);
      const user = server.getClient(TOKEN, { userId: 9401, chatId: 9401 });
      await user.sendMessage(user.makeMessage("淄博市第九批援藏工作组对口支援哪个县？"));
      const m = await waitForMessage(server, 9401, (x) => x.buttons.some((b) => b.text === "👍"));
      expect(m.text).toContain("昂仁县");
    } finally {
      if (runner.isRunning()) await runner.stop();
      await server.stop();
    }
  });
});

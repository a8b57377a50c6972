// Webhook mode (issue 33, point 4): the real `npm start` process with WEBHOOK_URL, WEBHOOK_SECRET and PORT serves
// Telegram's posts on node:http, relayed by the Bot API emulator's proxy with the secret header as Telegram sends
// it: a question is answered, a post without the right secret is refused (401) and not answered, GET /healthz
// answers, the secret reaches no log line. Config: the URL needs the secret, the secret follows Telegram's rule.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { ConfigError, DEFAULT_WEBHOOK_PORT, loadConfig } from "../src/config.js";
import { ingest } from "../src/app.js";
import {
  TOKEN,
  countMessages,
  freePort,
  startApiProxy,
  userClient,
  waitForMessage,
  type ApiProxy,
} from "../src/harness/emulator.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";
import { createServer } from "node:http";
import { boundedHandler } from "../src/bot/webhook.js";

describe("webhook work bound", () => {
  it("handles at most `max` posts at once and answers the others 503 with Retry-After", async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let busy = 0;
    const handler = boundedHandler(
      2,
      async (_req, res) => {
        await gate;
        res.writeHead(200).end("ok");
      },
      () => busy++,
    );
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
    try {
      const first = [fetch(url, { method: "POST", body: "{}" }), fetch(url, { method: "POST", body: "{}" })];
      await new Promise((r) => setTimeout(r, 100));
      const third = await fetch(url, { method: "POST", body: "{}" });
      expect(third.status).toBe(503);
      expect(third.headers.get("retry-after")).toBe("5");
      expect(busy).toBe(1);
      release();
      expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
      expect((await fetch(url, { method: "POST", body: "{}" })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("webhook settings", () => {
  it("needs the secret with the URL, follows Telegram's rule for it, and defaults the port", () => {
    const url = "https://bot.example.org/tg";
    expect(() => loadConfig({ WEBHOOK_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_SECRET: "abc" })).toThrow(/WEBHOOK_URL/);
    expect(() => loadConfig({ WEBHOOK_URL: url, WEBHOOK_SECRET: "有空格 的" })).toThrow(/WEBHOOK_SECRET/);
    expect(() => loadConfig({ WEBHOOK_URL: "ftp://x/y", WEBHOOK_SECRET: "abc" })).toThrow(/http/);
    expect(() => loadConfig({ WEBHOOK_URL: url, WEBHOOK_SECRET: "abc", PORT: "99999" })).toThrow(/PORT/);
    expect(loadConfig({ WEBHOOK_URL: url, WEBHOOK_SECRET: "a_b-C9" }).webhook).toEqual({
      url,
      secret: "a_b-C9",
      port: DEFAULT_WEBHOOK_PORT,
    });
    expect(loadConfig({ WEBHOOK_URL: url, WEBHOOK_SECRET: "abc", PORT: "9001" }).webhook?.port).toBe(9001);
    expect(loadConfig({}).webhook).toBeUndefined();
  });
});

describe("the bot in webhook mode", () => {
  const SECRET = "hook-secret_0123456789";
  let corpus: TempCorpus;
  let server: TelegramServer;
  let proxy: ApiProxy;
  let child: ChildProcessWithoutNullStreams;
  let stderr = "";
  let port = 0;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    corpus = tempCorpus();
    await ingest(corpus.config, testEmbeddings());
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    proxy = await startApiProxy(server);
    port = await freePort();
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
      env: {
        ...process.env,
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: proxy.url,
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        DOCS_DIR: corpus.config.docsDir,
        INDEX_DIR: corpus.config.indexDir,
        AUDIT_FILE: corpus.config.auditFile,
        TRASH_DIR: corpus.config.trashDir,
        FEEDBACK_FILE: corpus.config.feedbackFile,
        LOG_LEVEL: "debug",
      },
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!stderr.includes("is running") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }, 180_000);

  afterAll(async () => {
    await proxy.settled(10_000);
    if (child.exitCode === null) child.kill("SIGKILL");
    await proxy.close();
    await server.stop();
    corpus.cleanup();
  });

  it("sets its webhook with the secret and answers a question posted to it", async () => {
    expect(stderr).toContain("is running");
    expect(proxy.webhook()).toEqual({ url: `http://127.0.0.1:${port}/telegram/hook`, secret: SECRET });
    const user = userClient(server, 4401);
    await user.sendMessage(user.makeMessage("淄博市第九批援藏工作组对口支援哪个县？"));
    const reply = await waitForMessage(server, 4401, (m) => m.text.includes("昂仁县"), { timeoutMs: 60_000 });
    expect(reply.buttons.some((b) => b.text.startsWith("原文"))).toBe(true);
  }, 90_000);

  it("refuses a post without the right secret and does not answer it", async () => {
    const update = {
      update_id: 990001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4402, type: "private" },
        from: { id: 4402, is_bot: false, first_name: "x" },
        text: "淄博市第九批援藏工作组对口支援哪个县？",
      },
    };
    const post = (secret?: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/telegram/hook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
        },
        body: JSON.stringify(update),
      });
    expect((await post()).status).toBe(401);
    expect((await post("wrong-secret")).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`, { method: "POST", body: "{}" })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 1500));
    expect(countMessages(server, 4402)).toBe(0);
  }, 30_000);

  it("answers GET /healthz with the bot's figures, and no log line holds the secret", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; index?: { documents: number } };
    expect(body.status).toBe("ok");
    expect(body.index?.documents).toBeGreaterThan(0);
    expect(stderr).toContain("serving Telegram updates by webhook");
    expect(stderr).not.toContain(SECRET);
  });

  it("stops on SIGTERM", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 10_000);
});

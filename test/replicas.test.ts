// Several replicas of the real bot (issue 33, point 5): three `npm start` processes in webhook mode with their
// state in PostgreSQL (DATABASE_URL), behind a round-robin balancer, fed by the Bot API emulator through a relay
// that posts each update with the secret and posts it again when a post fails, as Telegram does. A question
// answered by one replica has its 原文 button answered by another; a redelivered update is answered once; the
// rate limit counts a user's messages on every replica; a replica killed as it receives an update loses
// nothing: the update, posted again, is answered once by another.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { ingest } from "../src/app.js";
import {
  TOKEN,
  botMessages,
  freePort,
  pressButton,
  startApiProxy,
  userClient,
  waitForMessage,
  type ApiProxy,
} from "../src/harness/emulator.js";
import { startBalancer, type Balancer } from "./balancer.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";
import { TEST_DATABASE_URL, freshDatabase } from "./pg.js";

const SECRET = "replica-secret";
const SLOW_DOWN = "您提问太快了";

describe.skipIf(!TEST_DATABASE_URL)("three replicas behind a load balancer", () => {
  let corpus: TempCorpus;
  let db: { url: string; drop: () => Promise<void> };
  let server: TelegramServer;
  let proxy: ApiProxy;
  let balancer: Balancer;
  const replicas: { child: ChildProcessWithoutNullStreams; log: string }[] = [];

  beforeAll(async () => {
    corpus = tempCorpus();
    await ingest(corpus.config, testEmbeddings());
    db = await freshDatabase();
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    proxy = await startApiProxy(server);
    const ports = [await freePort(), await freePort(), await freePort()];
    balancer = await startBalancer(ports);
    for (const port of ports) {
      const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
        env: {
          ...process.env,
          BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: proxy.url,
          WEBHOOK_URL: `${balancer.url}/hook`,
          WEBHOOK_SECRET: SECRET,
          PORT: String(port),
          DATABASE_URL: db.url,
          DOCS_DIR: corpus.config.docsDir,
          INDEX_DIR: corpus.config.indexDir,
          AUDIT_FILE: corpus.config.auditFile,
          TRASH_DIR: corpus.config.trashDir,
          FEEDBACK_FILE: corpus.config.feedbackFile,
        },
      });
      const replica = { child, log: "" };
      child.stderr.on("data", (d: Buffer) => (replica.log += d.toString()));
      replicas.push(replica);
    }
    const deadline = Date.now() + 150_000;
    while (replicas.some((r) => !r.log.includes("is running")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
  }, 240_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await balancer?.close();
    proxy?.server.closeAllConnections();
    await new Promise((r) => proxy?.server.close(r));
    await server?.stop();
    await db?.drop();
    corpus?.cleanup();
  });

  it("starts three replicas sharing the database", () => {
    for (const r of replicas) {
      expect(r.log).toContain("is running");
      expect(r.log).toContain("store=postgres");
    }
  });

  it("answers a 原文 button on another replica than the one that answered the question", async () => {
    const user = userClient(server, 5501);
    await user.sendMessage(user.makeMessage("淄博市第九批援藏工作组对口支援哪个县？"));
    const answer = await waitForMessage(server, 5501, (m) => m.buttons.length > 0, { timeoutMs: 30_000 });
    expect(answer.text).toContain("昂仁县");
    const before = botMessages(server, 5501).length;
    const askedOn = balancer.served.at(-1);
    const label = answer.buttons.find((b) => b.text.startsWith("原文"))?.text ?? "原文 1";
    await pressButton(user, answer, label);
    const passage = await waitForMessage(server, 5501, () => true, { after: before, timeoutMs: 30_000 });
    expect(balancer.served.at(-1)).not.toBe(askedOn);
    expect(passage.text).toContain("昂仁");
    expect(passage.text).not.toContain("过期");
  }, 60_000);

  it("answers a redelivered update once", async () => {
    const user = userClient(server, 5502);
    await user.sendMessage(user.makeMessage("定西市马铃薯平均亩产由多少斤跃升到多少斤？"));
    await waitForMessage(server, 5502, (m) => m.text.includes("8500斤"), { timeoutMs: 30_000 });
    const count = botMessages(server, 5502).length;
    expect(await proxy.redeliver()).toBe(200);
    expect(await proxy.redeliver()).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(botMessages(server, 5502).length).toBe(count);
  }, 60_000);

  it("counts the rate limit across replicas", async () => {
    const user = userClient(server, 5503);
    // Nine questions in a burst, three to each replica: alone, each would let its three through.
    for (let i = 0; i < 9; i++)
      await user.sendMessage(user.makeMessage(`淄博市第九批援藏工作组有几名援藏党员干部？${i}`));
    const deadline = Date.now() + 30_000;
    while (botMessages(server, 5503).length < 9 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const texts = botMessages(server, 5503).map((m) => m.text);
    expect(texts.filter((t) => t.includes(SLOW_DOWN)).length).toBeGreaterThanOrEqual(2);
    expect(texts.filter((t) => !t.includes(SLOW_DOWN)).length).toBeLessThanOrEqual(7);
  }, 60_000);

  it("loses nothing when the replica handling an update is killed: another answers it, once", async () => {
    const user = userClient(server, 5504);
    let killed: number | undefined;
    balancer.onForward = (i) => {
      balancer.onForward = undefined;
      killed = i;
      replicas[i]?.child.kill("SIGKILL");
    };
    await user.sendMessage(user.makeMessage("定西市马铃薯平均亩产由多少斤跃升到多少斤？"));
    const answer = await waitForMessage(server, 5504, (m) => m.text.includes("8500斤"), { timeoutMs: 30_000 });
    expect(killed).toBeDefined();
    expect(answer.text).toContain("8500斤");
    await new Promise((r) => setTimeout(r, 1500));
    expect(botMessages(server, 5504).filter((m) => m.text.includes("8500斤"))).toHaveLength(1);
    const served = balancer.served.slice(-2);
    expect(served[0]).toBe(killed);
    expect(served[1]).not.toBe(killed);
  }, 60_000);
});

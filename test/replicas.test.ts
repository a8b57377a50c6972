// Several replicas of the real bot (issue 33, point 5): three `npm start` processes in webhook mode with their
// state in PostgreSQL (DATABASE_URL), behind a round-robin balancer, fed by the Bot API emulator through a relay
// that posts each update with the secret and posts it again when a post fails, as Telegram does. A question
// answered by one replica has its 原文 button answered by another; a redelivered update is answered once; the
// rate limit counts a user's messages on every replica; an admin's upload through one replica is indexed once and
// answered from by all three (each keeps its own copy of the database's live generation); a replica killed as it
// receives an update loses nothing: the update, posted again, is answered once by another.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
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
import { startBalancer, type Balancer } from "../src/harness/balancer.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";
import { TEST_DATABASE_URL, freshDatabase } from "./pg.js";

const SECRET = "replica-secret";
const ADMIN = 5599;
const files = new Map<string, Uint8Array>();
const indexDirs: string[] = [];
const SLOW_DOWN = "您提问太快了";

describe.skipIf(!TEST_DATABASE_URL)("three replicas behind a load balancer", () => {
  let corpus: TempCorpus;
  let db: { url: string; drop: () => Promise<void> };
  let server: TelegramServer;
  let proxy: ApiProxy;
  let balancer: Balancer;
  const replicas: { child: ChildProcessWithoutNullStreams; log: string }[] = [];
  let ports: number[] = [];

  beforeAll(async () => {
    corpus = tempCorpus();
    db = await freshDatabase();
    // An embedded index migrated into the database (`npm run ingest` with DATABASE_URL).
    await ingest({ ...corpus.config, databaseUrl: db.url }, testEmbeddings());
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    proxy = await startApiProxy(server, { files });
    ports = [await freePort(), await freePort(), await freePort()];
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
          ADMIN_IDS: String(ADMIN),
          // The documents in a shared folder; each replica's copy of the index its own.
          DOCS_DIR: corpus.config.docsDir,
          INDEX_DIR: indexDirs[indexDirs.push(mkdtempSync(join(tmpdir(), "duikou-replica-index-"))) - 1],
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
    // An update still being relayed finishes before the replicas go (the emulator does not catch a closed post).
    await proxy?.settled(10_000);
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await balancer?.close();
    await proxy?.close();
    await server?.stop();
    await db?.drop();
    corpus?.cleanup();
    for (const dir of indexDirs) rmSync(dir, { recursive: true, force: true });
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

  it("indexes an admin's upload through one replica once, and all three answer from it", async () => {
    const bytes = new TextEncoder().encode(
      "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
    );
    files.set("doc-r", bytes);
    const admin = userClient(server, ADMIN);
    const msg = admin.makeMessage("") as unknown as Record<string, unknown>;
    delete msg.text;
    msg.document = { file_id: "doc-r", file_unique_id: "u-doc-r", file_name: "援青报告.txt", file_size: bytes.length };
    await admin.sendMessage(msg as never);
    await waitForMessage(server, ADMIN, (m) => m.text.includes("索引已更新"), { timeoutMs: 120_000 });
    const user = userClient(server, 5505);
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const before = botMessages(server, 5505).length;
      const deadline = Date.now() + 30_000;
      let text = "";
      // A replica takes the new generation within seconds of its publication (a notification, or a 5 s poll).
      while (!text.includes("12个") && Date.now() < deadline) {
        const at = botMessages(server, 5505).length;
        await user.sendMessage(user.makeMessage("果洛州援青工作队建设了多少个牧民新村？"));
        text = (await waitForMessage(server, 5505, (m) => m.buttons.length > 0, { after: at, timeoutMs: 30_000 })).text;
        if (!text.includes("12个")) await new Promise((r) => setTimeout(r, 1000));
      }
      expect(text).toContain("12个");
      expect(botMessages(server, 5505).length).toBeGreaterThan(before);
      seen.add(balancer.served.at(-1) ?? -1);
    }
    expect(seen.size).toBe(3);
    const built = replicas.filter((r) => r.log.includes("reindexed")).length;
    expect(built).toBe(1);
  }, 180_000);

  it("shares /stats, 👎 and the audit trail: each replica reports every replica's questions", async () => {
    const user = userClient(server, 5506);
    await user.sendMessage(user.makeMessage("江苏省援藏工作队在拉萨投资了多少资金？"));
    const refused = await waitForMessage(server, 5506, (m) => m.buttons.some((b) => b.text === "👎"), {
      timeoutMs: 30_000,
    });
    const askedOn = balancer.served.at(-1);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const votes = async (): Promise<number> =>
      (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM bot_feedback")).rows[0]?.n ?? 0;
    await pressButton(user, refused, "👎");
    for (let i = 0; i < 300 && (await votes()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const votedOn = balancer.served.at(-1);
    expect(votedOn).not.toBe(askedOn);
    const admin = userClient(server, ADMIN);
    const before = botMessages(server, ADMIN).length;
    await admin.sendCommand(admin.makeCommand("/stats"));
    const stats = await waitForMessage(server, ADMIN, (m) => m.text.includes("运行情况"), {
      after: before,
      timeoutMs: 30_000,
    });
    expect(balancer.served.at(-1)).not.toBe(votedOn);
    expect(stats.text).toContain("最近的 👎");
    expect(stats.text).toContain("江苏省援藏工作队在拉萨投资了多少资金");
    // Every replica's health figures count the same questions (asked through all three).
    const asked = await Promise.all(
      ports.map(async (port) => {
        const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { day: { asked: number } };
        return body.day.asked;
      }),
    );
    expect(new Set(asked).size).toBe(1);
    expect(asked[0]).toBeGreaterThanOrEqual(4);
    const audit = await c.query<{ action: string; outcome: string }>("SELECT action, outcome FROM bot_audit");
    await c.end();
    expect(audit.rows).toContainEqual({ action: "upload", outcome: "done" });
  }, 60_000);

  it("shows a /reindex on another replica the running build's progress, then its outcome", async () => {
    // A report long enough that its build (a worker loading the model, then its sentences' vectors) takes seconds.
    const lines = Array.from(
      { length: 240 },
      (_, i) => `援建项目第${i + 1}号投资${100 + i}万元，惠及群众${i + 30}户。`,
    );
    writeFileSync(join(corpus.config.docsDir, "项目清单.txt"), `援建项目清单\n\n${lines.join("\n")}\n`);
    const builds = (): number => replicas.reduce((n, r) => n + (r.log.match(/INFO {2}reindexed/g) ?? []).length, 0);
    const built = builds();
    const admin = userClient(server, ADMIN);
    const before = botMessages(server, ADMIN).length;
    await admin.sendCommand(admin.makeCommand("/reindex"));
    await waitForMessage(server, ADMIN, (m) => m.text.startsWith("正在"), { after: before, timeoutMs: 30_000 });
    const first = balancer.served.at(-1);
    await new Promise((r) => setTimeout(r, 500));
    const at = botMessages(server, ADMIN).length;
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const follow = await waitForMessage(server, ADMIN, (m) => m.text.includes("另一台服务器"), {
      after: at,
      timeoutMs: 30_000,
    });
    expect(balancer.served.at(-1)).not.toBe(first);
    expect(follow.text).toContain("已在重建索引");
    const done = await waitForMessage(
      server,
      ADMIN,
      (m) => m.messageId === follow.messageId && m.text.includes("重建已完成"),
      { timeoutMs: 120_000 },
    );
    expect(done.text).toContain("项目清单");
    // The first /reindex's own message has its outcome too, and only one build ran.
    const deadline = Date.now() + 60_000;
    const finished = (): number =>
      botMessages(server, ADMIN)
        .slice(before)
        .filter((m) => m.text.includes("索引已更新")).length;
    while (finished() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(finished()).toBe(2);
    expect(builds()).toBe(built + 1);
  }, 180_000);

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

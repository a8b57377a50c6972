// The admin's view of the bot, over HTTP against the emulator and a real health port: /stats counts the
// questions answered and refused, lists the most frequent refused ones and the 👎 answers, the index and
// memory; GET /healthz gives the same figures as JSON, without question texts unless LOG_QUESTIONS=1. Log
// lines are one per event with chat, user and time, and keep users' questions out unless allowed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Server } from "node:http";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { appendRecord } from "../src/bot/jsonl.js";
import { TokenBuckets } from "../src/bot/rate.js";
import { BotStats, startHealthServer, statsReport, type StatsReport } from "../src/bot/stats.js";
import { FileRecords } from "../src/state/records.js";
import { createLogger } from "../src/log.js";
import { seedsApp, type TempCorpus } from "./helpers.js";
import { countMessages, freePort, startHarness, waitForMessage, TOKEN, type Harness } from "../src/harness/emulator.js";

const ADMIN = 9500;
const DAY = 24 * 60 * 60 * 1000;
let corpus: TempCorpus;
let live: LiveApp;
let h: Harness;
let health: Server;
let port: number;
const stats = new BotStats();
let records: FileRecords;

beforeAll(async () => {
  const built = await seedsApp();
  corpus = built.corpus;
  live = new LiveApp(built.app);
  records = new FileRecords(corpus.config, stats);
  h = await startHarness({ ...corpus.config, adminIds: [ADMIN] }, live, {
    rateLimit: { limit: 100, windowMs: 1000 },
    records,
  });
  port = await freePort();
  health = await startHealthServer(port, () => statsReport(records, live, false));
});
afterAll(async () => {
  await h?.stop();
  await new Promise((r) => health?.close(r));
  corpus?.cleanup();
});

async function ask(userId: number, text: string): Promise<ReturnType<typeof waitForMessage>> {
  const c = h.server.getClient(TOKEN, { userId, chatId: userId });
  const before = countMessages(h.server, userId);
  await c.sendMessage(c.makeMessage(text));
  return waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), { after: before });
}

describe("/stats and /healthz", () => {
  it("count answered and refused questions, name what the corpus is missing, and show 👎 answers", async () => {
    await ask(9501, "淄博市第九批援藏工作组对口支援哪个县？");
    const refused = await ask(9502, "江苏省援藏工作队在拉萨投资了多少资金？");
    await ask(9503, "江苏省援藏工作队在拉萨投资了多少资金？");
    expect(refused.text).toContain("资料中未找到");
    const c = h.server.getClient(TOKEN, { userId: 9502, chatId: 9502 });
    await c.sendCallback(
      c.makeCallbackQuery(refused.buttons.find((b) => b.text === "👎")!.data, {
        message: { message_id: refused.messageId },
      }),
    );
    await new Promise((r) => setTimeout(r, 300));

    const admin = h.server.getClient(TOKEN, { userId: ADMIN, chatId: ADMIN });
    const before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/stats"));
    const m = await waitForMessage(h.server, ADMIN, (x) => x.text.includes("运行情况"), { after: before });
    expect(m.text).toContain("最近 24 小时：提问 3，回答 1，未找到 2");
    expect(m.text).toContain("江苏省援藏工作队在拉萨投资了多少资金（2 次）");
    expect(m.text).toContain("最近的 👎");
    expect(m.text).toMatch(/5 份文件，\d+ 个段落/);
    expect(m.text).toMatch(/内存<\/b>：\d+ MiB/);

    const other = h.server.getClient(TOKEN, { userId: 9504, chatId: 9504 });
    await other.sendCommand(other.makeCommand("/stats"));
    const no = await waitForMessage(h.server, 9504, () => true);
    expect(no.text).toContain("只有管理员");
  });

  it("serves the same figures as JSON on GET /healthz, without question texts", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as StatsReport & { status: string };
    expect(body.status).toBe("ok");
    expect(body.day).toEqual({ asked: 3, answered: 1, refused: 2 });
    expect(body.index.documents).toBe(5);
    expect(body.memory.rssMiB).toBeGreaterThan(0);
    expect(body.medianAnswerMs).toBeGreaterThanOrEqual(0);
    expect(body.topRefused).toEqual([{ question: "[hidden]", count: 2 }]);
    expect(JSON.stringify(body)).not.toContain("江苏");
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});

describe("feedback records", () => {
  it("record one vote per user and answer: repeated presses add nothing, a changed vote replaces the old", async () => {
    const answer = await ask(9505, "淄博市第九批援藏工作组对口支援哪个县？");
    const c = h.server.getClient(TOKEN, { userId: 9505, chatId: 9505 });
    const press = async (label: string): Promise<void> => {
      const data = answer.buttons.find((b) => b.text === label)!.data;
      await c.sendCallback(c.makeCallbackQuery(data, { message: { message_id: answer.messageId } }));
    };
    const id = answer.buttons.find((b) => b.text === "👎")!.data.split(":")[1];
    const answered = h.callbackAnswers.length;
    const settle = async (count: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (h.callbackAnswers.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    for (let i = 0; i < 15; i++) await press("👎");
    await press("👍");
    await settle(answered + 16);
    const texts = h.callbackAnswers.slice(answered).map((a) => a.text);
    expect(texts.filter((t) => t === "谢谢您的反馈！")).toHaveLength(2);
    expect(texts.filter((t) => t === "已经记下您的反馈了。")).toHaveLength(14);
    // A flood of presses is turned away.
    const flooded = h.callbackAnswers.length;
    for (let i = 0; i < 20; i++) await press("👎");
    await settle(flooded + 20);
    const late = h.callbackAnswers.slice(flooded).map((a) => a.text);
    expect(late.filter((t) => t === "操作太快了，请稍等几秒再试。").length).toBeGreaterThanOrEqual(15);
    const records = readFileSync(corpus.config.feedbackFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { answerId?: string; vote: string });
    // Down, changed to up, changed back by the first press of the flood; the rest record nothing.
    expect(records.filter((r) => r.answerId === id).map((r) => r.vote)).toEqual(["down", "up", "down"]);
  });

  it("start every record on a line of its own after a crash cut the last one in half", async () => {
    const file = join(corpus.root, "cut", "feedback.jsonl");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"at":"2026-12-01T00:00:00Z","vote":"do');
    await appendRecord(file, { at: "2026-12-02T00:00:00Z", vote: "down" });
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines[0]).toBe('{"at":"2026-12-01T00:00:00Z","vote":"do');
    expect(JSON.parse(lines[1]!)).toEqual({ at: "2026-12-02T00:00:00Z", vote: "down" });
  });
});

describe("👎 from a long feedback file", () => {
  it("reads only the file's end, whole lines, newest first", async () => {
    const { writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const file = join(corpus.root, "long-feedback.jsonl");
    const vote = (question: string): string =>
      `${JSON.stringify({ at: "2026-11-23T00:00:00Z", vote: "down", question, answer: "答" })}\n`;
    const filler = `${JSON.stringify({ at: "x", vote: "up", question: "填充".repeat(40), answer: "答" })}\n`;
    writeFileSync(file, vote("最早的问题") + filler.repeat(4000) + vote("较新的问题") + vote("最新的问题"));
    const report = await statsReport(new FileRecords({ feedbackFile: file, auditFile: corpus.config.auditFile }), live);
    expect(report.downVotes.map((d) => d.question)).toEqual(["最新的问题", "较新的问题"]);
  });
});

describe("log lines", () => {
  it("are one line per event with level, time, chat, user and time taken, the question hidden by default", () => {
    const line = h.logs.find((l) => / INFO {2}refused /.test(l) && l.includes("chat=9502"));
    expect(line).toMatch(
      new RegExp(
        String.raw`^\d{4}-\d\d-\d\dT\S+Z INFO {2}refused chat=9502 user=9502 ms=\d+ ` +
          String.raw`mode=extractive followUp=false question=\[hidden\]$`,
      ),
    );
    expect(h.logs.join("\n")).not.toContain("江苏省援藏工作队在拉萨");
  });

  it("write control and bidi characters of a file name or message as escapes, one line per event", () => {
    const lines: string[] = [];
    const log = createLogger({ botToken: undefined, llm: undefined }, (l) => lines.push(l));
    log.warn("upload refused\nERROR forged line", { target: "\u001b[31mreport\u202efdp.txt" });
    expect(lines).toHaveLength(1);
    expect([...lines[0]!].some((c) => ["\n", "\u001b", "\u202e"].includes(c))).toBe(false);
    expect(lines[0]).toContain("refused\\u000aERROR forged line");
    expect(lines[0]).toContain("\\u001b[31mreport\\u202efdp.txt");
  });

  it("show questions with LOG_QUESTIONS=1 or at debug level, and drop debug lines at info", () => {
    const lines: string[] = [];
    const shown = createLogger({ botToken: undefined, llm: undefined, logQuestions: true }, (l) => lines.push(l));
    shown.info("answered", { question: shown.question("淄博市第九批援藏工作组对口支援哪个县？") });
    shown.debug("not written at info");
    const debug = createLogger({ botToken: undefined, llm: undefined, logLevel: "debug" }, (l) => lines.push(l));
    debug.debug("answered", { question: debug.question("广东省第十批援藏工作队有多少名干部人才？") });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("question=淄博市第九批援藏工作组对口支援哪个县？");
    expect(lines[1]).toMatch(/DEBUG answered question=广东省第十批/);
  });
});

describe("rate limits", () => {
  it("let a burst of `limit` through, then one more each windowMs / limit, per user", () => {
    const buckets = new TokenBuckets({ limit: 6, windowMs: 10_000 });
    const at = 1_000_000;
    const burst = Array.from({ length: 12 }, () => buckets.take("u1", 1, at));
    expect(burst.filter(Boolean)).toHaveLength(6);
    // Across what was a fixed window's edge, nothing more gets through at once.
    expect(buckets.take("u1", 1, at + 100)).toBe(false);
    expect(buckets.take("u1", 1, at + 1_700)).toBe(true);
    expect(buckets.take("u1", 1, at + 1_800)).toBe(false);
    expect(buckets.take("u2", 1, at)).toBe(true);
  });
});

describe("records files", () => {
  it("are rotated past their size bound, so feedback and audit take at most twice the bound on disk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duikou-records-"));
    try {
      const file = join(dir, "feedback.jsonl");
      for (let i = 0; i < 200; i++) await appendRecord(file, { i, text: "援藏".repeat(20) }, 4096);
      expect(statSync(file).size).toBeLessThanOrEqual(4096);
      expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(4096);
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ i: 199 });
      const older = readFileSync(`${file}.1`, "utf8").trim().split("\n");
      expect((JSON.parse(older.at(-1)!) as { i: number }).i + 1).toBe((JSON.parse(lines[0]!) as { i: number }).i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what the bot keeps in memory", () => {
  it("counts every question but keeps only the latest 2,000 refused questions' texts, cut to 100 chars", () => {
    const kept = new BotStats();
    const long = "援藏".repeat(245);
    for (let i = 0; i < 3000; i++)
      kept.record({ at: Date.now(), question: `${i}${long}`, answered: i % 3 > 0, ms: 40 });
    expect(kept.counts(DAY).asked).toBe(3000);
    expect(kept.counts(DAY).refused).toBe(1000);
    const top = kept.topRefused(2000);
    expect(top.length).toBe(1000);
    for (const t of top) expect(t.question.length).toBeLessThanOrEqual(100);
  });
});

// The bot as an attacker or a careless admin meets it, over HTTP against the Bot API emulator, on the real model
// and seeds: a zip bomb and a re-index never hold up a question; old or foreign buttons never show another
// chat's answer; admin work runs in the background; group chatter is neither answered nor counted; upload
// names are cleaned; every admin action is audited; /remove goes to the trash and /restore brings it back.
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import type { AuditEvent } from "../src/bot/audit.js";
import { zipBombDocx } from "../src/harness/files.js";
import { seedsApp, type TempCorpus } from "./helpers.js";
import {
  botMessages,
  countMessages,
  pressButton,
  startHarness,
  waitForMessage,
  userClient,
  TOKEN,
  type BotMessage,
  type Harness,
} from "../src/harness/emulator.js";

const ADMIN = 9300;
const files = new Map<string, Uint8Array>();
let corpus: TempCorpus;
let live: LiveApp;
let h: Harness;

beforeAll(async () => {
  const built = await seedsApp();
  corpus = built.corpus;
  live = new LiveApp(built.app);
  h = await startHarness(
    { ...corpus.config, adminIds: [ADMIN] },
    live,
    { rateLimit: { limit: 3, windowMs: 60_000 } },
    files,
  );
});
afterAll(async () => {
  await h?.stop();
  corpus?.cleanup();
});

function client(userId: number, type: "private" | "group" = "private", chatId = userId) {
  return userClient(h.server, userId, type, chatId);
}

async function sendDocument(userId: number, fileId: string, name: string, bytes: Uint8Array): Promise<void> {
  files.set(fileId, bytes);
  const c = client(userId);
  const msg = c.makeMessage("") as unknown as Record<string, unknown>;
  delete msg.text;
  msg.document = {
    file_id: fileId,
    file_unique_id: `u-${fileId}`,
    file_name: name,
    file_size: bytes.length,
    mime_type: "application/octet-stream",
  };
  await c.sendMessage(msg as never);
}

async function ask(userId: number, text: string): Promise<BotMessage> {
  const c = client(userId);
  const before = countMessages(h.server, userId);
  await c.sendMessage(c.makeMessage(text));
  return waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), { after: before });
}

function audit(): AuditEvent[] {
  if (!existsSync(corpus.config.auditFile)) return [];
  return readFileSync(corpus.config.auditFile, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
}

async function idle(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (live.reindexing && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe("a zip bomb and a re-index in progress", () => {
  it("refuse the bomb, keep answering every chat within 5 s, and free the admin's own chat", async () => {
    const bomb = await zipBombDocx(100);
    const before = countMessages(h.server, ADMIN);
    await sendDocument(ADMIN, "bomb", "援藏总结.docx", bomb);
    const admin = client(ADMIN);
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const deadline = Date.now() + 20_000;
    while (!live.reindexing && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(live.reindexing).toBe(true);

    const started = performance.now();
    const other = await ask(9301, "淄博市第九批援藏工作组对口支援哪个县？");
    const otherMs = performance.now() - started;
    expect(other.text).toContain("昂仁县");
    expect(otherMs).toBeLessThan(5000);

    // The admin's next question is not queued behind the upload or the re-index.
    const t2 = performance.now();
    const own = await ask(ADMIN, "广东省第十批援藏工作队有多少名干部人才？");
    expect(performance.now() - t2).toBeLessThan(5000);
    expect(own.text).toContain("出处");

    const refused = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("过大"), {
      after: before,
      timeoutMs: 60_000,
    });
    expect(refused.text).toContain("无法处理");
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), { after: before, timeoutMs: 120_000 });
    expect(existsSync(join(corpus.config.docsDir, "援藏总结.docx"))).toBe(false);
    expect(h.logs.some((l) => /upload refused.*unpacks to \d+ bytes/.test(l))).toBe(true);
    expect(audit()).toContainEqual(
      expect.objectContaining({ action: "upload", outcome: "refused", userId: ADMIN, target: "援藏总结.docx" }),
    );
  });

  it("answers a second /reindex with 已有一次重建正在进行, pointing at the running one's progress message", async () => {
    await idle();
    const admin = client(ADMIN);
    const before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const progress = await waitForMessage(h.server, ADMIN, (m) => m.text.startsWith("正在重建索引"), { after: before });
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const busy = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("已有一次重建正在进行"), {
      after: before,
    });
    expect(busy.replyTo).toBe(progress.messageId);
    await waitForMessage(h.server, ADMIN, (m) => m.messageId === progress.messageId && m.text.includes("索引已更新"), {
      after: before,
      timeoutMs: 120_000,
    });
    const summaries = botMessages(h.server, ADMIN)
      .slice(before)
      .filter((m) => m.text.includes("索引已更新"));
    expect(summaries).toHaveLength(1);
    expect(audit().filter((e) => e.action === "reindex" && e.outcome === "refused").length).toBeGreaterThan(0);
  });
});

describe("buttons", () => {
  it("never act on another chat's answer, and say so when an answer is unknown or expired", async () => {
    const mine = await ask(9310, "山东水发集团在日喀则投资多少建设光伏+储能示范项目？");
    const source = mine.buttons.find((b) => b.text === "原文 1")!.data;
    const vote = mine.buttons.find((b) => b.text === "👎")!.data;
    expect(source).toMatch(/^src:[\w-]{12}:1$/);
    const other = await ask(9311, "日喀则市共建设了多少家“孔子学堂”？");
    expect(other.buttons.find((b) => b.text === "原文 1")!.data.split(":")[1]).not.toBe(source.split(":")[1]);

    const intruder = client(9312);
    const before = countMessages(h.server, 9312);
    const answers = h.callbackAnswers.length;
    await intruder.sendCallback(intruder.makeCallbackQuery(source, { message: { message_id: mine.messageId } }));
    await intruder.sendCallback(intruder.makeCallbackQuery(vote, { message: { message_id: mine.messageId } }));
    await intruder.sendCallback(intruder.makeCallbackQuery("src:AAAAAAAAAAAA:1", { message: { message_id: 1 } }));
    const deadline = Date.now() + 10_000;
    while (h.callbackAnswers.length < answers + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(h.callbackAnswers.slice(answers).map((a) => a.text)).toEqual([
      "这条回答已过期，请重新提问。",
      "这条回答已过期。",
      "这条回答已过期，请重新提问。",
    ]);
    expect(countMessages(h.server, 9312)).toBe(before);
    expect(
      existsSync(corpus.config.feedbackFile) ? readFileSync(corpus.config.feedbackFile, "utf8") : "",
    ).not.toContain('"chatId":9310');
  });
});

describe("groups", () => {
  it("neither answers nor counts messages not addressed to the bot", async () => {
    const GROUP = -9320;
    const member = client(9321, "group", GROUP);
    for (let i = 0; i < 8; i++) await member.sendMessage(member.makeMessage(`今天开会第${i}项：援藏资金多少？`));
    await new Promise((r) => setTimeout(r, 1500));
    expect(countMessages(h.server, GROUP)).toBe(0);
    await member.sendCommand(member.makeCommand("/ask 日喀则市共建设了多少家“孔子学堂”？"));
    const answer = await waitForMessage(h.server, GROUP, (m) => m.buttons.some((b) => b.text === "👍"));
    expect(answer.text).not.toContain("太快");
    expect(botMessages(h.server, GROUP).some((m) => m.text.includes("太快"))).toBe(false);
  });
});

describe("admin files", () => {
  it("cleans an upload's name of bidi and invisible characters and reports skipped entries", async () => {
    await idle();
    symlinkSync("/etc/hostname", join(corpus.config.docsDir, "link.txt"));
    const before = countMessages(h.server, ADMIN);
    const text = new TextEncoder().encode(
      "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
    );
    await sendDocument(ADMIN, "bidi", "report\u202etxt.pdf\u200b.txt", text);
    const done = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), {
      after: before,
      timeoutMs: 120_000,
    });
    expect(readdirSync(corpus.config.docsDir)).toContain("reporttxt.pdf.txt");
    expect(done.text).toContain("reporttxt.pdf.txt");
    expect(done.text).toContain("跳过 1：link.txt（符号链接）");
    expect(done.text).not.toMatch(/[\u202e\u200b]/);
  });

  it("refuses a punctuation-only document", async () => {
    const before = countMessages(h.server, ADMIN);
    await sendDocument(
      ADMIN,
      "junk",
      "junk.txt",
      new TextEncoder().encode("。。。，，，！！！———……※※※★★★\n、、、；；；"),
    );
    const m = await waitForMessage(h.server, ADMIN, (x) => x.text.includes("没有可用的文字"), { after: before });
    expect(m.text).not.toContain("索引已更新");
    expect(existsSync(join(corpus.config.docsDir, "junk.txt"))).toBe(false);
  });

  it("moves a removed document to the trash and restores it, with every step audited", async () => {
    await idle();
    const admin = client(ADMIN);
    let before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/remove reporttxt.pdf.txt"));
    const confirm = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("确定要删除"), { after: before });
    await pressButton(admin, confirm, "删除");
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes("删除 1"), {
      after: before,
      timeoutMs: 120_000,
    });
    expect(existsSync(join(corpus.config.docsDir, "reporttxt.pdf.txt"))).toBe(false);
    const trashed = readdirSync(corpus.config.trashDir, { recursive: true }).map(String);
    expect(trashed.some((p) => p.endsWith("reporttxt.pdf.txt"))).toBe(true);

    before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/restore"));
    const list = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("回收站"), { after: before });
    expect(list.text).toContain("reporttxt.pdf.txt");
    await admin.sendCommand(admin.makeCommand("/restore reporttxt.pdf.txt"));
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes("新增 1"), {
      after: before,
      timeoutMs: 120_000,
    });
    expect(existsSync(join(corpus.config.docsDir, "reporttxt.pdf.txt"))).toBe(true);

    const intruder = client(9330);
    await intruder.sendCommand(intruder.makeCommand("/remove reporttxt.pdf.txt"));
    await intruder.sendCommand(intruder.makeCommand("/reindex"));
    await waitForMessage(h.server, 9330, (m) => m.text.includes("只有管理员"));
    await new Promise((r) => setTimeout(r, 300));
    const events = audit();
    expect(events).toContainEqual(
      expect.objectContaining({ action: "remove", outcome: "done", userId: ADMIN, target: "reporttxt.pdf.txt" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ action: "restore", outcome: "done", userId: ADMIN, target: "reporttxt.pdf.txt" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ action: "upload", outcome: "done", userId: ADMIN, target: "reporttxt.pdf.txt" }),
    );
    expect(events).toContainEqual(expect.objectContaining({ action: "remove", outcome: "refused", userId: 9330 }));
    expect(events).toContainEqual(expect.objectContaining({ action: "reindex", outcome: "refused", userId: 9330 }));
  });

  it("removes a file the index never took (one that failed to read), and no path outside DOCS_DIR", async () => {
    await idle();
    writeFileSync(join(corpus.config.docsDir, "坏文件.txt"), "");
    const admin = client(ADMIN);
    const before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/remove 坏文件.txt"));
    const confirm = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("确定要删除"), { after: before });
    await pressButton(admin, confirm, "删除");
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), { after: before, timeoutMs: 120_000 });
    expect(existsSync(join(corpus.config.docsDir, "坏文件.txt"))).toBe(false);
    const b2 = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/remove ../audit.jsonl"));
    const refused = await waitForMessage(h.server, ADMIN, () => true, { after: b2 });
    expect(refused.text).toContain("资料库中没有名为");
  });
});

describe("stopping", () => {
  it("stops on SIGTERM within seconds in the middle of a re-index, and its worker goes with it", async () => {
    const { spawn } = await import("node:child_process");
    const { TelegramServer } = await import("telegram-test-api/lib/telegramServer.js");
    const { freePort } = await import("../src/harness/emulator.js");
    await idle();
    const port = await freePort();
    const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    const ADMIN_ID = 9350;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
      env: {
        ...process.env,
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: server.config.apiURL,
        ADMIN_IDS: String(ADMIN_ID),
        DOCS_DIR: corpus.config.docsDir,
        INDEX_DIR: corpus.config.indexDir,
        AUDIT_FILE: corpus.config.auditFile,
        TRASH_DIR: corpus.config.trashDir,
        FEEDBACK_FILE: corpus.config.feedbackFile,
      },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stderr.includes("is running") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain("is running");
      // A new report of a few hundred sentences to embed keeps the worker busy for seconds: an unchanged corpus
      // re-indexes faster than the lock can be seen on a loaded machine.
      const sentences = Array.from(
        { length: 400 },
        (_, i) => `第${i + 1}号援建项目总投资${(i * 7) % 97}万元，惠及群众${i * 13}人。`,
      );
      writeFileSync(join(corpus.config.docsDir, "长报告.txt"), `援建项目清单\n\n${sentences.join("\n")}\n`);
      const admin = server.getClient(TOKEN, { userId: ADMIN_ID, chatId: ADMIN_ID });
      await admin.sendCommand(admin.makeCommand("/reindex"));
      await waitForMessage(server, ADMIN_ID, (m) => m.text.startsWith("正在"), { timeoutMs: 20_000 });
      const lock = join(corpus.config.indexDir, "build.lock");
      const lockDeadline = Date.now() + 20_000;
      const holder = (): number => (existsSync(lock) ? Number.parseInt(readFileSync(lock, "utf8"), 10) || 0 : 0);
      while (holder() === 0 && Date.now() < lockDeadline) await new Promise((r) => setTimeout(r, 10));
      const worker = holder();
      expect(worker).toBeGreaterThan(0);

      const t0 = performance.now();
      child.kill("SIGTERM");
      const code = await exited;
      const ms = performance.now() - t0;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      expect(stderr).toContain("SIGTERM: stopping");
      // Gone, or a zombie waiting for a reaper (in a container PID 1 may never reap it): not running either way.
      const state = (): string => {
        try {
          return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${worker}/stat`, "utf8"))?.[1] ?? "gone";
        } catch {
          return "gone";
        }
      };
      const stopDeadline = Date.now() + 2000;
      while (!["gone", "Z", "X"].includes(state()) && Date.now() < stopDeadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(["gone", "Z", "X"]).toContain(state());
      expect(live.current.index.manifest.chunkCount).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await server.stop();
    }
  });
});

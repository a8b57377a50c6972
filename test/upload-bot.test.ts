// Admin uploads through the bot, over HTTP: the emulator plus a file proxy that serves getFile and downloads.
// A new document is checked, saved and indexed; an existing name is overwritten only after confirmation; a
// broken file and a non-admin's file change nothing, and nothing changes when the audit file cannot be written.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { seedsApp, type TempCorpus } from "./helpers.js";
import {
  countMessages,
  pressButton,
  startHarness,
  waitForMessage,
  TOKEN,
  type Harness,
} from "../src/harness/emulator.js";

const ADMIN = 9100;
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
    { rateLimit: { limit: 100, windowMs: 1000 } },
    files,
  );
});
afterAll(async () => {
  await h?.stop();
  corpus?.cleanup();
});

async function sendDocument(userId: number, fileId: string, name: string, bytes: Uint8Array): Promise<number> {
  files.set(fileId, bytes);
  const c = h.server.getClient(TOKEN, { userId, chatId: userId });
  const before = countMessages(h.server, userId);
  const msg = c.makeMessage("") as unknown as Record<string, unknown>;
  delete msg.text;
  msg.document = {
    file_id: fileId,
    file_unique_id: `u-${fileId}`,
    file_name: name,
    file_size: bytes.length,
    mime_type: "text/plain",
  };
  await c.sendMessage(msg as never);
  return before;
}

const report = new TextEncoder().encode(
  "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
);

describe("command menus", () => {
  it("registers the public commands for everyone and the admin commands in each admin's chat only", () => {
    const menus = h.commandMenus as { commands: { command: string }[]; scope?: { type: string; chat_id?: number } }[];
    const everyone = menus.find((m) => !m.scope);
    const admin = menus.find((m) => m.scope?.type === "chat" && m.scope.chat_id === ADMIN);
    expect(everyone?.commands.map((c) => c.command)).toEqual(["start", "help", "ask", "docs"]);
    expect(admin?.commands.map((c) => c.command)).toEqual(expect.arrayContaining(["reindex", "remove", "ask"]));
    expect(everyone?.commands.map((c) => c.command)).not.toContain("reindex");
  });
});

describe("uploads through the bot", () => {
  it("adds an admin's document to the corpus and answers from it", async () => {
    const before = await sendDocument(ADMIN, "doc-1", "../援青报告.txt", report);
    const done = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), {
      after: before,
      timeoutMs: 60_000,
    });
    expect(done.text).toContain("新增 1");
    expect(done.text).toContain("援青报告.txt");
    expect(existsSync(join(corpus.config.docsDir, "援青报告.txt"))).toBe(true);
    expect(existsSync(join(corpus.config.docsDir, "..", "援青报告.txt"))).toBe(false);

    const c = h.server.getClient(TOKEN, { userId: 9101, chatId: 9101 });
    const b2 = countMessages(h.server, 9101);
    await c.sendMessage(c.makeMessage("果洛州援青工作队建设了多少个牧民新村？"));
    const answer = await waitForMessage(h.server, 9101, (m) => m.buttons.some((b) => b.text === "👍"), { after: b2 });
    expect(answer.text).toContain("<b>12个</b>");
    expect(answer.text).toContain("援青报告.txt");
  });

  it("overwrites an existing file only after confirmation", async () => {
    const changed = new TextEncoder().encode(
      "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金9999万元，建设牧民新村15个。\n",
    );
    const before = await sendDocument(ADMIN, "doc-2", "援青报告.txt", changed);
    const ask = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("要用新文件覆盖"), { after: before });
    expect(readFileSync(join(corpus.config.docsDir, "援青报告.txt"), "utf8")).toContain("8888万元");
    const c = h.server.getClient(TOKEN, { userId: ADMIN, chatId: ADMIN });
    await c.sendCallback(
      c.makeCallbackQuery(ask.buttons.find((b) => b.text === "覆盖")!.data, { message: { message_id: ask.messageId } }),
    );
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes("修改 1"), {
      after: before,
      timeoutMs: 60_000,
    });
    expect(readFileSync(join(corpus.config.docsDir, "援青报告.txt"), "utf8")).toContain("9999万元");
    // The overwritten version is in the trash, where /restore finds it.
    const trashed = readdirSync(corpus.config.trashDir, { recursive: true })
      .map(String)
      .filter((p) => p.endsWith("援青报告.txt"));
    expect(trashed).toHaveLength(1);
    expect(readFileSync(join(corpus.config.trashDir, trashed[0]!), "utf8")).toContain("8888万元");
  });

  it("rejects a broken file with a clear message and saves nothing", async () => {
    const before = await sendDocument(
      ADMIN,
      "doc-3",
      "扫描件.pdf",
      new TextEncoder().encode("this is not a pdf at all"),
    );
    const m = await waitForMessage(h.server, ADMIN, () => true, { after: before });
    expect(m.text).toContain("不符");
    expect(existsSync(join(corpus.config.docsDir, "扫描件.pdf"))).toBe(false);
  });

  it("reads a Big5 upload as Big5 and says so; refuses a Shift-JIS one naming its encoding", async () => {
    const big5 = iconv.encode("援藏工作報告\n\n海北州援藏醫療隊共派出醫生33名，投資2.5億元。\n", "big5");
    const before = await sendDocument(ADMIN, "doc-big5", "big5報告.txt", big5);
    const received = await waitForMessage(h.server, ADMIN, (m) => m.text.startsWith("已收到"), { after: before });
    expect(received.text).toContain("（援藏工作報告）（按 BIG5 编码读取）");
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), { after: before, timeoutMs: 60_000 });
    const japanese = iconv.encode(
      "これは日本語のテキストです。東京で会議を開きました。ありがとうございます。",
      "shift_jis",
    );
    const b2 = await sendDocument(ADMIN, "doc-sjis", "日本語.txt", japanese);
    const refused = await waitForMessage(h.server, ADMIN, () => true, { after: b2 });
    expect(refused.text).toContain("Shift-JIS");
    expect(refused.text).toContain("UTF-8");
    expect(existsSync(join(corpus.config.docsDir, "日本語.txt"))).toBe(false);
  });

  it("refuses a non-admin's document", async () => {
    const before = await sendDocument(9102, "doc-4", "other.txt", report);
    const m = await waitForMessage(h.server, 9102, () => true, { after: before });
    expect(m.text).toContain("只有管理员");
    expect(existsSync(join(corpus.config.docsDir, "other.txt"))).toBe(false);
  });

  it("makes no change when the audit file cannot be written, and says so", async () => {
    const auditFile = corpus.config.auditFile;
    const kept = existsSync(auditFile) ? readFileSync(auditFile) : undefined;
    rmSync(auditFile, { force: true });
    mkdirSync(auditFile); // appending to a folder fails, as on a full or read-only disk
    try {
      const before = await sendDocument(ADMIN, "doc-audit", "审计.txt", report);
      const m = await waitForMessage(h.server, ADMIN, (msg) => msg.text.includes("审计日志"), { after: before });
      expect(m.text).toContain("没有执行");
      expect(existsSync(join(corpus.config.docsDir, "审计.txt"))).toBe(false);

      const c = h.server.getClient(TOKEN, { userId: ADMIN, chatId: ADMIN });
      const b2 = countMessages(h.server, ADMIN);
      await c.sendCommand(c.makeCommand("/remove 援青报告.txt"));
      const confirm = await waitForMessage(h.server, ADMIN, (msg) => msg.text.includes("确定要删除"), { after: b2 });
      await pressButton(c, confirm, "删除");
      await waitForMessage(h.server, ADMIN, (msg) => msg.text.includes("审计日志"), { after: b2 });
      expect(existsSync(join(corpus.config.docsDir, "援青报告.txt"))).toBe(true);
    } finally {
      rmSync(auditFile, { recursive: true, force: true });
      if (kept) writeFileSync(auditFile, kept);
    }
  });
});

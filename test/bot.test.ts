// The Telegram bot over HTTP against a Bot API emulator (telegram-test-api), on the real model and seeds:
// answers with citations, group rules, the 原文 button, follow-ups, feedback, admin-only re-indexing that keeps
// serving, escaping of markup, odd messages, and the splitting of long replies.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../src/app.js";
import { answerQuestion } from "../src/answer/pipeline.js";
import { renderAnswerBlocks, splitMessage, TELEGRAM_LIMIT } from "../src/bot/render.js";
import { seedsApp, type TempCorpus } from "./helpers.js";
import {
  botMessages,
  countMessages,
  startHarness,
  waitForMessage,
  userClient,
  TOKEN,
  type Harness,
} from "../src/harness/emulator.js";

const ADMIN = 9001;
let corpus: TempCorpus;
let live: LiveApp;
let h: Harness;

beforeAll(async () => {
  const built = await seedsApp();
  corpus = built.corpus;
  writeFileSync(
    join(corpus.config.docsDir, "markup.txt"),
    "标记测试文件\n\n测试集团A&B公司<script>alert(1)</script>投资300万元建设<b>示范园</b>项目。\n",
  );
  live = new LiveApp(built.app);
  await live.reindex();
  const config = { ...corpus.config, adminIds: [ADMIN], feedbackFile: join(corpus.root, "feedback.jsonl") };
  h = await startHarness(config, live, { rateLimit: { limit: 1000, windowMs: 1000 } });
});
afterAll(async () => {
  await h?.stop();
  corpus?.cleanup();
});

function client(userId: number, type: "private" | "group" = "private", chatId = userId) {
  return userClient(h.server, userId, type, chatId);
}

async function ask(userId: number, text: string): Promise<ReturnType<typeof botMessages>[number]> {
  const c = client(userId);
  const before = countMessages(h.server, userId);
  await c.sendMessage(c.makeMessage(text));
  return waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), { after: before });
}

describe("questions in a private chat", () => {
  it("answers a dev question with the figure in bold, citations and buttons", async () => {
    const m = await ask(101, "淄博援藏工作组谋划确定了多少个对口支援项目，投资多少？");
    expect(m.parseMode).toBe("HTML");
    expect(m.text).toContain("<b>47个</b>");
    expect(m.text).toContain("<b>1.32亿元</b>");
    expect(m.text).toContain("出处");
    expect(m.text).toContain("002_2a4bfa5699e19441.txt");
    expect(m.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(["原文 1", "👍", "👎"]));
  });

  it("shows the whole passage behind a citation on the 原文 button", async () => {
    const m = await ask(102, "山东水发集团在日喀则投资多少建设光伏+储能示范项目？");
    expect(m.text).toContain("4.5亿元");
    const button = m.buttons.find((b) => b.text === "原文 1")!;
    const c = client(102);
    const before = countMessages(h.server, 102);
    await c.sendCallback(c.makeCallbackQuery(button.data, { message: { message_id: m.messageId } }));
    const passage = await waitForMessage(h.server, 102, (x) => x.text.startsWith("<b>原文 1</b>"), { after: before });
    expect(passage.text).toContain("000_9d5d6f751b85c331.txt");
    expect(passage.text).toContain("光伏+储能示范项目");
    expect(passage.text.length).toBeGreaterThan(m.text.indexOf("出处") > 0 ? 100 : 0);
  });

  it("offers the rest of an open question's points on a 更多 button, none repeated", async () => {
    const m = await ask(108, "淄博市第九批援藏工作组在昂仁县做了哪些事？");
    const first = m.text.split("出处")[0] ?? "";
    expect(first.match(/^• /gm)?.length).toBe(5);
    const button = m.buttons.find((b) => b.text === "更多")!;
    expect(button).toBeDefined();
    const c = client(108);
    const before = countMessages(h.server, 108);
    await c.sendCallback(c.makeCallbackQuery(button.data, { message: { message_id: m.messageId } }));
    const more = await waitForMessage(h.server, 108, (x) => x.text.startsWith("• "), { after: before });
    const points = (text: string): string[] =>
      (text.split("出处")[0] ?? "")
        .split("\n")
        .filter((l) => l.startsWith("• "))
        .map((l) => l.replace(/\[\d+\]$/, ""));
    expect(points(more.text).length).toBeGreaterThan(0);
    for (const p of points(more.text)) expect(points(m.text)).not.toContain(p);
    expect(more.text).toContain("002_2a4bfa5699e19441.txt");
    expect(more.buttons.map((b) => b.text)).not.toContain("更多");
  });

  it("records 👍/👎 feedback with question, answer and passages", async () => {
    const m = await ask(103, "日喀则市共建设了多少家“孔子学堂”？");
    const c = client(103);
    await c.sendCallback(
      c.makeCallbackQuery(m.buttons.find((b) => b.text === "👎")!.data, { message: { message_id: m.messageId } }),
    );
    const file = join(corpus.root, "feedback.jsonl");
    const deadline = Date.now() + 10_000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      try {
        lines = readFileSync(file, "utf8").trim().split("\n");
        if (lines.length) break;
      } catch {
        /* not written yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const record = JSON.parse(lines.at(-1)!) as { vote: string; question: string; answer: string; passages: unknown[] };
    expect(record.vote).toBe("down");
    expect(record.question).toContain("孔子学堂");
    expect(record.answer).toContain("65家");
    expect(record.passages.length).toBeGreaterThan(0);
  });

  it("understands a follow-up with the previous turn's entities, and starts afresh otherwise", async () => {
    await ask(104, "淄博市第九批援藏工作组有几名援藏党员干部？");
    const follow = await ask(104, "它对口支援哪个县？");
    expect(follow.text).toContain("昂仁县");
    const fresh = await ask(104, "定西市马铃薯平均亩产由多少斤跃升到多少斤？");
    expect(fresh.text).toContain("8500斤");
  });

  it("refuses plainly when the documents do not hold the answer", async () => {
    const m = await ask(105, "江苏省援藏工作队在拉萨投资了多少资金？");
    expect(m.text).toMatch(/^资料中未找到/);
    expect(m.text).toContain("最接近的段落");
  });

  it("escapes markup from documents and users", async () => {
    const m = await ask(106, "A&B公司<script>投资了多少建设示范园？");
    expect(m.text).toContain("300万元");
    expect(m.text).toContain("&lt;script&gt;");
    expect(m.text).toContain("A&amp;B");
    expect(m.text).not.toContain("<script>");
    expect(m.text).not.toMatch(/<b>示范园<\/b>/);
  });

  it("answers an empty-looking, a 10,000-character and a non-text message with a clear reply", async () => {
    const c = client(107);
    let before = countMessages(h.server, 107);
    await c.sendMessage(c.makeMessage("x".repeat(10_000)));
    const long = await waitForMessage(h.server, 107, () => true, { after: before });
    expect(long.text).toContain("问题太长了");
    before = countMessages(h.server, 107);
    const sticker = c.makeMessage("") as unknown as Record<string, unknown>;
    delete sticker.text;
    sticker.sticker = {
      file_id: "x",
      file_unique_id: "y",
      type: "regular",
      width: 1,
      height: 1,
      is_animated: false,
      is_video: false,
    };
    await c.sendMessage(sticker as never);
    const reply = await waitForMessage(h.server, 107, () => true, { after: before });
    expect(reply.text).toContain("只能回答文字问题");
  });
});

describe("groups", () => {
  it("answers only when mentioned, replied to, or asked with /ask", async () => {
    const chat = -500;
    const member = client(201, "group", chat);
    await member.sendMessage(member.makeMessage("山东省对口支援办公室主任是谁？"));
    await new Promise((r) => setTimeout(r, 1500));
    expect(countMessages(h.server, chat)).toBe(0);

    const username = h.bot.botInfo.username;
    const mention = member.makeMessage(`@${username} 山东省对口支援办公室主任是谁？`, {
      entities: [{ type: "mention", offset: 0, length: username.length + 1 }],
    } as never);
    await member.sendMessage(mention);
    const answer = await waitForMessage(h.server, chat, (m) => m.text.includes("李秋生"));
    expect(answer.replyTo).toBeDefined();

    const before = countMessages(h.server, chat);
    await member.sendCommand(member.makeCommand("/ask 日喀则市共建设了多少家“孔子学堂”？"));
    await waitForMessage(h.server, chat, (m) => m.text.includes("65家"), { after: before });

    const before2 = countMessages(h.server, chat);
    const reply = member.makeMessage("其中医疗方面投入了多少？", {
      reply_to_message: {
        message_id: answer.messageId,
        from: { id: h.bot.botInfo.id, is_bot: true, first_name: "bot" },
        chat: { id: chat, type: "group", title: "测试群" },
        date: 0,
      },
    } as never);
    await member.sendMessage(reply);
    await waitForMessage(h.server, chat, () => true, { after: before2 });
  });
});

describe("admin", () => {
  it("refuses /reindex from a non-admin and changes nothing", async () => {
    const c = client(301);
    const generation = live.current.index.dir;
    const before = countMessages(h.server, 301);
    await c.sendCommand(c.makeCommand("/reindex"));
    const m = await waitForMessage(h.server, 301, () => true, { after: before });
    expect(m.text).toContain("只有管理员");
    expect(live.current.index.dir).toBe(generation);
  });

  it("re-indexes for an admin with a progress message while questions are still answered", async () => {
    const text = readFileSync(join(corpus.config.docsDir, "001_c8885849c5590f95.txt"), "utf8").replace(/山东/g, "青海");
    writeFileSync(join(corpus.config.docsDir, "qinghai-copy.txt"), `青海对口支援工作报告\n\n${text}`);
    const admin = client(ADMIN);
    const before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/reindex"));
    const deadline = Date.now() + 20_000;
    while (!live.reindexing && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(live.reindexing).toBe(true);
    const during = await ask(302, "淄博市第九批援藏工作组对口支援哪个县？");
    expect(during.text).toContain("昂仁县");
    const answeredWhileReindexing = live.reindexing;
    const summary = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新"), {
      after: before,
      timeoutMs: 120_000,
    });
    expect(answeredWhileReindexing).toBe(true);
    expect(summary.text).toContain("新增 1");
    expect(summary.text).toContain("qinghai-copy.txt");
    expect(Object.keys(live.current.index.manifest.files)).toContain("qinghai-copy.txt");
  });

  it("removes a document only after the admin confirms", async () => {
    const admin = client(ADMIN);
    let before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/remove markup.txt"));
    const ask = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("确定要删除"), { after: before });
    const cancel = ask.buttons.find((b) => b.text === "取消")!;
    await admin.sendCallback(admin.makeCallbackQuery(cancel.data, { message: { message_id: ask.messageId } }));
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("已取消"), { after: before });
    expect(existsSync(join(corpus.config.docsDir, "markup.txt"))).toBe(true);

    before = countMessages(h.server, ADMIN);
    await admin.sendCommand(admin.makeCommand("/remove markup.txt"));
    const again = await waitForMessage(h.server, ADMIN, (m) => m.text.includes("确定要删除"), { after: before });
    // Another user cannot press the admin's button.
    const intruder = client(305);
    await intruder.sendCallback(
      intruder.makeCallbackQuery(again.buttons.find((b) => b.text === "删除")!.data, {
        message: { message_id: again.messageId },
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(join(corpus.config.docsDir, "markup.txt"))).toBe(true);
    await admin.sendCallback(
      admin.makeCallbackQuery(again.buttons.find((b) => b.text === "删除")!.data, {
        message: { message_id: again.messageId },
      }),
    );
    await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes("删除 1"), {
      after: before,
      timeoutMs: 60_000,
    });
    expect(existsSync(join(corpus.config.docsDir, "markup.txt"))).toBe(false);
    expect(Object.keys(live.current.index.manifest.files)).not.toContain("markup.txt");
  });

  it("lists the indexed documents", async () => {
    const c = client(303);
    const before = countMessages(h.server, 303);
    await c.sendCommand(c.makeCommand("/docs"));
    const m = await waitForMessage(h.server, 303, () => true, { after: before });
    expect(m.text).toContain("000_9d5d6f751b85c331.txt");
    expect(m.text).toContain("穿越喜马拉雅的守望");
  });

  it("never logs the bot token", () => {
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.join("\n")).not.toContain(TOKEN);
  });
});

describe("long replies", () => {
  it("split under 4096 UTF-16 units at block boundaries, never inside a tag", async () => {
    const result = await answerQuestion(live.current, "淄博援藏“十四五”援藏规划总投资是多少？");
    const huge = { ...result, citations: result.citations.map((c) => ({ ...c, quote: `${c.quote}<&>`.repeat(300) })) };
    const blocks = renderAnswerBlocks(huge);
    const messages = splitMessage(blocks);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
      const opened = (m.match(/<(b|i)>/g) ?? []).length;
      const closed = (m.match(/<\/(b|i)>/g) ?? []).length;
      expect(opened).toBe(closed);
      expect(m).not.toMatch(/<[^>]*$/);
      expect(m).not.toMatch(/&[a-z]*$/);
    }
    expect(messages[0]).toContain("2.34亿元");
  });
});

describe("robustness", () => {
  it("keeps answering after an update fails, and logs the failure with its context", async () => {
    const blocked = join(corpus.root, "not-a-folder");
    writeFileSync(blocked, "x");
    const broken = await startHarness(
      { ...corpus.config, adminIds: [], feedbackFile: join(blocked, "feedback.jsonl") },
      live,
      {
        rateLimit: { limit: 100, windowMs: 1000 },
      },
    );
    try {
      const c = broken.server.getClient(TOKEN, { userId: 401, chatId: 401 });
      let before = countMessages(broken.server, 401);
      await c.sendMessage(c.makeMessage("日喀则市共建设了多少家“孔子学堂”？"));
      const m = await waitForMessage(broken.server, 401, (x) => x.buttons.some((b) => b.text === "👍"), {
        after: before,
      });
      // The vote cannot be written: the button says so (nothing is lost silently) and the log has the detail.
      const answered = broken.callbackAnswers.length;
      await c.sendCallback(
        c.makeCallbackQuery(m.buttons.find((b) => b.text === "👍")!.data, { message: { message_id: m.messageId } }),
      );
      const deadline = Date.now() + 10_000;
      while (broken.callbackAnswers.length === answered && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(broken.callbackAnswers.at(-1)?.text).toBe("反馈暂时无法保存，请稍后再试。");
      expect(broken.logs.some((l) => l.includes("ERROR") && l.includes("chat=401"))).toBe(true);
      before = countMessages(broken.server, 401);
      await c.sendMessage(c.makeMessage("淄博市第九批援藏工作组对口支援哪个县？"));
      const next = await waitForMessage(broken.server, 401, (x) => x.buttons.some((b) => b.text === "👍"), {
        after: before,
      });
      expect(next.text).toContain("昂仁县");
    } finally {
      await broken.stop();
    }
  });

  it("answers a user who asks too fast with a friendly reply", async () => {
    const limited = await startHarness({ ...corpus.config, adminIds: [] }, live, {
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    try {
      const c = limited.server.getClient(TOKEN, { userId: 402, chatId: 402 });
      for (let i = 0; i < 3; i++) await c.sendMessage(c.makeMessage("日喀则市共建设了多少家“孔子学堂”？"));
      await waitForMessage(limited.server, 402, (x) => x.text.includes("提问太快"));
      expect(botMessages(limited.server, 402).filter((x) => x.buttons.some((b) => b.text === "👍"))).toHaveLength(2);
    } finally {
      await limited.stop();
    }
  });
});

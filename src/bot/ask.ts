// Questions in chat: which messages are questions (any text in a private chat; in a group a mention, a reply
// to the bot or /ask), follow-ups resolved against the chat's previous turn, a typing indicator while the
// pipeline works, and the answer as HTML with a button per citation and 👍/👎 buttons.
import { InlineKeyboard, type Context } from "grammy";
import type { LiveApp } from "../app.js";
import { answerQuestion } from "../answer/answer.js";
import type { AnswerResult } from "../answer/types.js";
import type { Logger } from "../log.js";
import { ChatMemory, resolveFollowUp } from "./follow-up.js";
import { renderAnswerBlocks, renderPassage, splitMessage } from "./render.js";

export const MAX_QUESTION_CHARS = 500;

export interface StoredAnswer {
  result: AnswerResult;
  chatId: number;
}

/** Recent answers by short id, for the 原文 and 👍/👎 buttons (callback data is limited to 64 bytes). */
export class AnswerStore {
  private readonly answers = new Map<string, StoredAnswer>();
  private next = 0;
  constructor(private readonly capacity = 5000) {}

  put(answer: StoredAnswer): string {
    const id = (this.next++).toString(36);
    this.answers.set(id, answer);
    if (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    return id;
  }

  get(id: string): StoredAnswer | undefined {
    return this.answers.get(id);
  }
}

export interface AskDeps {
  live: LiveApp;
  log: Logger;
  memory: ChatMemory;
  answers: AnswerStore;
}

function keyboardFor(id: string, result: AnswerResult): InlineKeyboard {
  const kb = new InlineKeyboard();
  const sources = result.answered ? result.citations.map((c) => c.n) : result.passages.slice(0, 3).map((_, i) => i + 1);
  for (const n of sources) kb.text(`原文 ${n}`, `src:${id}:${n}`);
  if (sources.length) kb.row();
  return kb.text("👍", `fb:${id}:up`).text("👎", `fb:${id}:down`);
}

/** Answers one question in the chat of ctx; the caller has already decided it is a question. */
export async function answerInChat(ctx: Context, rawQuestion: string, deps: AskDeps): Promise<void> {
  const chatId = ctx.chat?.id ?? 0;
  const question = rawQuestion.trim();
  if (!question) {
    await ctx.reply("请直接输入您的问题，例如：淄博市第九批援藏工作组对口支援哪个县？");
    return;
  }
  if (question.length > MAX_QUESTION_CHARS) {
    await ctx.reply(`问题太长了（${question.length} 字）。请把问题控制在 ${MAX_QUESTION_CHARS} 字以内，一次问一件事。`);
    return;
  }
  ctx.replyWithChatAction("typing").catch(() => undefined);
  const standalone = resolveFollowUp(question, deps.memory.get(chatId));
  const started = performance.now();
  const result = await answerQuestion(deps.live.current, standalone);
  deps.memory.remember(chatId, standalone);
  deps.log.info("answered", {
    chat: chatId,
    followUp: standalone !== question,
    answered: result.answered,
    ms: Math.round(performance.now() - started),
  });
  const id = deps.answers.put({ result, chatId });
  const messages = splitMessage(renderAnswerBlocks(result));
  const replyTo = ctx.chat?.type === "private" ? undefined : ctx.msg?.message_id;
  for (const [i, html] of messages.entries()) {
    const last = i === messages.length - 1;
    await ctx.reply(html, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(last ? { reply_markup: keyboardFor(id, result) } : {}),
      ...(i === 0 && replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    });
  }
}

/** The 原文 n button: the whole passage behind citation n (or lead n of a refusal). */
export async function showSource(ctx: Context, id: string, n: number, deps: AskDeps): Promise<void> {
  const stored = deps.answers.get(id);
  if (!stored) {
    await ctx.answerCallbackQuery({ text: "这条回答已过期，请重新提问。" });
    return;
  }
  const { result } = stored;
  const citation = result.citations.find((c) => c.n === n);
  const passage = citation
    ? (result.passages.find((p) => p.chunkId === citation.chunkId) ?? { source: citation.source, chunkId: citation.chunkId, score: 0, text: citation.quote })
    : result.passages[n - 1];
  await ctx.answerCallbackQuery();
  if (!passage) return;
  const title = citation?.title ?? deps.live.current.index.manifest.files[passage.source]?.title ?? passage.source;
  for (const html of splitMessage(renderPassage(n, passage, title))) {
    await ctx.reply(html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  }
}

// Questions in chat: which messages are questions (any text in a private chat; in a group a mention, a reply
// to the bot or /ask), follow-ups resolved against the chat's previous turn, a typing indicator while the
// pipeline works, and the answer as HTML with a button per citation and 👍/👎 buttons.
import { InlineKeyboard, type Context } from "grammy";
import type { LiveApp } from "../app.js";
import { answer, mayHaveMorePoints, morePoints } from "../answer/index.js";
import type { AnswerResult } from "../answer/types.js";
import type { Logger } from "../log.js";
import type { Records } from "../state/records.js";
import { resolveFollowUp } from "../chat/follow-up.js";
import type { StateStore } from "../state/store.js";
import { MAX_QUESTION_CHARS, nonChineseHint, tooLongMessage } from "../chat/help.js";
import { renderAnswerBlocks, renderPassage, splitMessage } from "./render.js";

/** Telegram allows about one edit a second per chat; drafts are edited no more often than this. */
const STREAM_EDIT_MS = 1200;

/**
 * A language-model answer shown as it is written: one message, first a neutral 正在生成…, then edited with
 * the verified part of the draft (plain text; only sentences that passed the checks) at most every
 * STREAM_EDIT_MS, and finally replaced by the verified answer.
 */
class StreamingReply {
  messageId: number | undefined;
  private sending: Promise<void> | undefined;
  private lastEdit = 0;
  private latest = "";
  private shown = "";

  constructor(private readonly ctx: Context) {}

  /** Shows the placeholder at once, so the user sees that an answer is on its way. */
  start(): void {
    this.sending = this.flush().finally(() => {
      this.sending = undefined;
    });
  }

  update(text: string): void {
    this.latest = text;
    const now = Date.now();
    if (this.sending || now - this.lastEdit < STREAM_EDIT_MS) return;
    this.lastEdit = now;
    this.sending = this.flush().finally(() => {
      this.sending = undefined;
    });
  }

  private async flush(): Promise<void> {
    const draft = this.latest ? `${this.latest.slice(0, 3500)} …` : "正在生成…";
    if (draft === this.shown || !this.ctx.chat) return;
    this.shown = draft;
    try {
      if (this.messageId === undefined) this.messageId = (await this.ctx.reply(draft)).message_id;
      else await this.ctx.api.editMessageText(this.ctx.chat.id, this.messageId, draft);
    } catch {
      // A draft that cannot be shown is skipped; the final answer is sent regardless.
    }
  }

  async done(): Promise<void> {
    await this.sending;
  }
}

export interface AskDeps {
  live: LiveApp;
  log: Logger;
  /** Answers behind buttons and each chat's last turn (state/store.ts: in memory, or shared in PostgreSQL). */
  state: StateStore;
  /** Where the question is counted for /stats and /healthz. */
  records?: Records;
}

function keyboardFor(id: string, result: AnswerResult, offerMore = mayHaveMorePoints(result)): InlineKeyboard {
  const kb = new InlineKeyboard();
  const sources = result.answered ? result.citations.map((c) => c.n) : result.passages.slice(0, 3).map((_, i) => i + 1);
  for (const n of sources) kb.text(`原文 ${n}`, `src:${id}:${n}`);
  if (sources.length) kb.row();
  // An open question's list shows five points; the rest of the report's points are one press away.
  if (offerMore) kb.text("更多", `more:${id}`);
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
    await ctx.reply(tooLongMessage(question.length));
    return;
  }
  const hint = nonChineseHint(question);
  if (hint) {
    await ctx.reply(hint);
    return;
  }
  ctx.replyWithChatAction("typing").catch(() => undefined);
  const standalone = resolveFollowUp(question, await deps.state.lastTurn(chatId));
  const started = performance.now();
  const app = deps.live.current;
  const stream = app.llm ? new StreamingReply(ctx) : undefined;
  stream?.start();
  const result = await answer(app, standalone, stream ? (text) => stream.update(text) : undefined);
  await stream?.done();
  await deps.state.remember(chatId, standalone);
  const ms = Math.round(performance.now() - started);
  // A question not counted is logged, not shown to the user: the answer matters more than the figure.
  await deps.records
    ?.addAsk({ at: Date.now(), question: standalone, answered: result.answered, ms })
    .catch((err: unknown) => deps.log.warn("could not count the question for /stats", { error: err }));
  deps.log.info(result.answered ? "answered" : "refused", {
    chat: chatId,
    user: ctx.from?.id,
    ms,
    mode: result.mode,
    followUp: standalone !== question,
    question: deps.log.question(standalone),
  });
  const id = await deps.state.putAnswer({ result, chatId });
  const messages = splitMessage(renderAnswerBlocks(result));
  const replyTo = ctx.chat?.type === "private" ? undefined : ctx.msg?.message_id;
  // The streamed draft becomes the verified final answer when it fits in one message.
  if (stream?.messageId !== undefined && messages.length === 1 && ctx.chat) {
    await ctx.api.editMessageText(ctx.chat.id, stream.messageId, messages[0] ?? "", {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      reply_markup: keyboardFor(id, result),
    });
    return;
  }
  if (stream?.messageId !== undefined && ctx.chat)
    await ctx.api.deleteMessage(ctx.chat.id, stream.messageId).catch(() => undefined);
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

/** The 更多 button: the points of an open question's list its answer did not show, as a reply of their own. */
export async function showMore(ctx: Context, id: string, deps: AskDeps): Promise<void> {
  const stored = await deps.state.getAnswer(id, ctx.chat?.id);
  if (!stored) {
    await ctx.answerCallbackQuery({ text: "这条回答已过期，请重新提问。" });
    return;
  }
  const more = await morePoints(deps.live.current, stored.result);
  if (!more) {
    await ctx.answerCallbackQuery({ text: "没有更多要点了。" });
    return;
  }
  await ctx.answerCallbackQuery();
  const moreId = await deps.state.putAnswer({ result: more, chatId: stored.chatId });
  const messages = splitMessage(renderAnswerBlocks(more));
  for (const [i, html] of messages.entries()) {
    const last = i === messages.length - 1;
    await ctx.reply(html, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(last ? { reply_markup: keyboardFor(moreId, more, false) } : {}),
    });
  }
}

/** The 原文 n button: the passage behind citation n (or lead n of a refusal), around its quote, with its place. */
export async function showSource(ctx: Context, id: string, n: number, deps: AskDeps): Promise<void> {
  const stored = await deps.state.getAnswer(id, ctx.chat?.id);
  if (!stored) {
    await ctx.answerCallbackQuery({ text: "这条回答已过期，请重新提问。" });
    return;
  }
  const { result } = stored;
  const citation = result.citations.find((c) => c.n === n);
  const passage = citation
    ? (result.passages.find((p) => p.chunkId === citation.chunkId) ?? {
        source: citation.source,
        chunkId: citation.chunkId,
        score: 0,
        text: citation.quote,
      })
    : result.passages[n - 1];
  await ctx.answerCallbackQuery();
  if (!passage) return;
  const file = deps.live.current.index.manifest.files[passage.source];
  const title = citation?.title ?? file?.title ?? passage.source;
  const where = { quote: citation?.quote, chunks: file?.chunks };
  for (const html of splitMessage(renderPassage(n, passage, title, where))) {
    await ctx.reply(html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  }
}

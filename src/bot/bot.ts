// The Telegram bot, as a table of contents: plugins first (per-chat ordering, retries, rate limit, files),
// then commands, questions, buttons and uploads, each handled where its feature lives.
import { Bot, GrammyError, HttpError, type Api, type Context } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";
import { CommandGroup } from "@grammyjs/commands";
import { hydrateFiles } from "@grammyjs/files";
import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import type { BotCommand } from "grammy/types";
import { LiveApp, createApp } from "../app.js";
import type { Config } from "../config.js";
import { createLogger, type Logger } from "../log.js";
import { stopAllWorkers } from "../worker/run.js";
import {
  AdminState,
  askRemove,
  confirmAction,
  inBackground,
  isAdmin,
  listDocs,
  receiveDocument,
  removeOrphanedUploads,
  refuseNonAdmin,
  restore,
  startReindex,
  summary,
  type AdminDeps,
  type BotContext,
} from "./admin.js";
import { AuditLog, type AuditAction } from "./audit.js";
import { PendingProgress, pendingProgressFile } from "./pending-progress.js";
import { renderStats, startHealthServer, statsReport, type StatsReport } from "./stats.js";
import { FileRecords, type Records } from "../state/records.js";
import { serveWebhook, type WebhookServer } from "./webhook.js";
import { messageCost, rateLimit } from "./rate.js";
import { docsDrift } from "../search/index-store.js";
import { answerInChat, showMore, showSource, type AskDeps } from "./ask.js";
import { recordFeedback } from "./feedback.js";
import { MemoryState, type StateStore } from "../state/store.js";
import { PgState } from "../state/postgres.js";
import { EXAMPLES, INTRO } from "../chat/help.js";
import { escapeHtml } from "./render.js";
import { watchConnection, type WatchOptions } from "./connection.js";

export interface BotOptions {
  /** Questions a user may ask per window before a friendly "slow down". */
  rateLimit?: { limit: number; windowMs: number };
  /** Back-off while the Bot API is unreachable (default: 1 s doubling to 60 s). */
  connection?: WatchOptions;
  /** Feedback, audit and the questions /stats counts (default: FEEDBACK_FILE, AUDIT_FILE and this process). */
  records?: Records;
  /** Answers behind buttons, follow-up turns, rate limits, handled updates (default: this process's memory). */
  state?: StateStore;
}

const PUBLIC_COMMANDS: BotCommand[] = [
  { command: "start", description: "介绍与示例问题" },
  { command: "help", description: "使用说明" },
  { command: "ask", description: "提问（群组中使用）" },
  { command: "docs", description: "查看已索引的文件" },
];
const ADMIN_COMMANDS: BotCommand[] = [
  { command: "reindex", description: "重建索引（管理员）" },
  { command: "remove", description: "删除文件（管理员）" },
  { command: "restore", description: "恢复删除的文件（管理员）" },
  { command: "stats", description: "运行情况（管理员）" },
];

function helpText(live: LiveApp): string {
  const files = Object.values(live.current.index.manifest.files);
  const titles = files.slice(0, 8).map((f) => `· ${escapeHtml(f.title)}`);
  return [
    INTRO,
    `<b>已收录 ${files.length} 份文件</b>\n${titles.join("\n")}${files.length > 8 ? "\n…（/docs 查看全部）" : ""}`,
    `<b>可以这样问</b>\n${EXAMPLES.map((e) => `· ${escapeHtml(e)}`).join("\n")}`,
    "在私聊中直接发送问题即可；在群组中请 @我、回复我的消息，或使用 /ask 问题。点“原文”查看出处段落，点 👍/👎 帮助我们改进。",
  ].join("\n\n");
}

/**
 * True for what the bot should act on: anything in a private chat, a button press, and in a group only a
 * command for this bot (`/ask`, `/ask@thisbot`), a mention of it or a reply to it.
 */
export function isAddressed(ctx: Context): boolean {
  if (ctx.callbackQuery) return true;
  if (!ctx.chat || !ctx.msg) return false;
  if (ctx.chat.type === "private") return true;
  const text = ctx.msg.text ?? ctx.msg.caption ?? "";
  const username = ctx.me.username.toLowerCase();
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
  if (command) return !command[1] || command[1].toLowerCase() === username;
  const entities = ctx.msg.entities ?? ctx.msg.caption_entities ?? [];
  const mentioned = entities.some(
    (e) => e.type === "mention" && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${username}`,
  );
  return mentioned || ctx.msg.reply_to_message?.from?.id === ctx.me.id;
}

/** Builds the bot over a live app; nothing is fetched from Telegram until it starts. */
export function createBot(config: Config, live: LiveApp, log: Logger, options: BotOptions = {}): Bot<BotContext> {
  if (!config.botToken) throw new Error("BOT_TOKEN is not set");
  const bot = new Bot<BotContext>(config.botToken, { client: { apiRoot: config.telegramApiRoot } });
  // autoRetry waits out flood limits and server errors; lost connections are retried, and logged, by
  // watchConnection below (autoRetry would retry them silently for up to an hour).
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: 30,
      rethrowInternalServerErrors: false,
      rethrowHttpErrors: true,
    }),
  );
  bot.api.config.use(hydrateFiles(config.botToken, { apiRoot: config.telegramApiRoot }));
  bot.api.config.use(watchConnection(log, options.connection));

  const records = options.records ?? new FileRecords(config);
  const state = options.state ?? new MemoryState();
  const askDeps: AskDeps = { live, log, state, records };
  const adminDeps: AdminDeps = {
    live,
    config,
    log,
    audit: new AuditLog(records, log),
    state: new AdminState(),
    store: state,
    pending: new PendingProgress(pendingProgressFile(config.auditFile)),
  };
  const admin = (ctx: Context, action: AuditAction, work: () => Promise<unknown>, target?: string): Promise<void> => {
    if (!isAdmin(ctx, config)) return refuseNonAdmin(ctx, adminDeps, action, target);
    inBackground(adminDeps, action, work);
    return Promise.resolve();
  };

  // Updates of one chat one at a time (within a process); only then is an update claimed, so a chat's queue holds
  // at most one of the shared store's claim connections and a flooding chat cannot take them from the others.
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  // A redelivered update (Telegram posts it again when a replica died or answered too late) is handled once.
  bot.use(async (ctx, next) => {
    const claim = await state.claimUpdate(ctx.update.update_id);
    if (!claim) return log.debug("update handled already or being handled: skipped", { update: ctx.update.update_id });
    try {
      await next();
    } finally {
      await claim.finish();
    }
  });
  // Everything below sees only what is addressed to the bot: group chatter is neither answered nor counted.
  const addressed = bot.filter(isAddressed);
  const limited = (ctx: Context): string | undefined => (isAdmin(ctx, config) ? undefined : ctx.from?.id.toString());
  // Button presses: a bucket of their own, larger than the questions' (a press is cheap, a flood is not).
  addressed.on(
    "callback_query",
    rateLimit(state, "buttons", BUTTON_RATE, limited, (ctx: Context) =>
      ctx.answerCallbackQuery({ text: "操作太快了，请稍等几秒再试。" }).catch(() => undefined),
    ),
  );

  addressed.callbackQuery(/^src:([\w-]+):(\d+)$/, (ctx) =>
    showSource(ctx, ctx.match[1] ?? "", Number(ctx.match[2]), askDeps),
  );
  addressed.callbackQuery(/^more:([\w-]+)$/, (ctx) => showMore(ctx, ctx.match[1] ?? "", askDeps));
  addressed.callbackQuery(/^fb:([\w-]+):(up|down)$/, async (ctx) => {
    const id = ctx.match[1] ?? "";
    const stored = await state.getAnswer(id, ctx.chat?.id);
    if (!stored) return ctx.answerCallbackQuery({ text: "这条回答已过期。" });
    const vote = ctx.match[2] === "up" ? "up" : "down";
    // One vote per user and answer: the same press again records nothing; the other one changes the vote.
    if (!(await state.setVote(id, ctx.from.id, vote))) return ctx.answerCallbackQuery({ text: "已经记下您的反馈了。" });
    try {
      await recordFeedback(records, stored.result, vote, stored.chatId, ctx.from.id, id);
    } catch (err) {
      await state.clearVote(id, ctx.from.id).catch(() => undefined);
      log.error("feedback could not be recorded", { chat: ctx.chat?.id, user: ctx.from.id, error: err });
      return ctx.answerCallbackQuery({ text: "反馈暂时无法保存，请稍后再试。" });
    }
    await ctx.answerCallbackQuery({ text: "谢谢您的反馈！" });
  });
  addressed.callbackQuery(/^ok:([\w-]+):(yes|no)$/, async (ctx) => {
    if (!isAdmin(ctx, config)) {
      await adminDeps.audit.record({
        userId: ctx.from.id,
        chatId: ctx.chat?.id,
        action: "remove",
        outcome: "refused",
        detail: "confirmation button pressed by a non-admin",
      });
      return ctx.answerCallbackQuery({ text: "只有管理员可以操作。" });
    }
    inBackground(adminDeps, "confirmation", () =>
      confirmAction(ctx, ctx.match[1] ?? "", ctx.match[2] === "yes", adminDeps),
    );
  });
  addressed.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: "这个按钮已失效。" }));

  const messages = addressed.on("message");
  const rate = options.rateLimit ?? { limit: 6, windowMs: 10_000 };
  // Admins are not limited: their uploads and commands come in bursts and are audited.
  const slowDown = (ctx: Context): Promise<unknown> =>
    ctx.reply("您提问太快了，请稍等几秒再试。").catch(() => undefined);
  // A long question costs more than a short one (rate.ts messageCost): the limit counts work, not messages.
  messages.use(
    rateLimit(state, "messages", rate, limited, slowDown, (ctx) => messageCost(ctx.msg?.text ?? ctx.msg?.caption)),
  );

  const commands = new CommandGroup<BotContext>();
  commands.command("start", "介绍与示例问题", (ctx) => ctx.reply(helpText(live), { parse_mode: "HTML" }));
  commands.command("help", "使用说明", (ctx) => ctx.reply(helpText(live), { parse_mode: "HTML" }));
  commands.command("ask", "提问", (ctx) => answerInChat(ctx, ctx.match, askDeps));
  commands.command("docs", "查看已索引的文件", (ctx) => listDocs(ctx, adminDeps, ctx.match));
  commands.command("reindex", "重建索引（管理员）", (ctx) => admin(ctx, "reindex", () => startReindex(ctx, adminDeps)));
  commands.command("remove", "删除文件（管理员）", (ctx) =>
    admin(ctx, "remove", () => askRemove(ctx, ctx.match, adminDeps), ctx.match),
  );
  commands.command("stats", "运行情况（管理员）", async (ctx) => {
    if (!isAdmin(ctx, config)) return ctx.reply("抱歉，只有管理员可以查看运行情况。");
    await ctx.reply(renderStats(await statsReport(records, live, true, true)), { parse_mode: "HTML" });
  });
  commands.command("restore", "恢复删除的文件（管理员）", (ctx) =>
    admin(ctx, "restore", () => restore(ctx, ctx.match, adminDeps), ctx.match),
  );
  messages.use(commands);

  messages.on("message:document", (ctx) =>
    admin(ctx, "upload", () => receiveDocument(ctx, adminDeps), ctx.msg.document.file_name),
  );
  messages.on("message:text", async (ctx) => {
    const text = ctx.msg.text;
    if (ctx.chat.type === "private") return answerInChat(ctx, text, askDeps);
    return answerInChat(ctx, text.split(`@${ctx.me.username}`).join(" "), askDeps);
  });
  messages.on("message", async (ctx) => {
    if (ctx.chat.type === "private")
      await ctx.reply("我只能回答文字问题。请用文字输入您的问题，例如：淄博市第九批援藏工作组对口支援哪个县？");
  });

  bot.catch((err) => {
    const ctx = err.ctx;
    const context = { update: ctx.update.update_id, chat: ctx.chat?.id };
    if (err.error instanceof GrammyError) log.error(`Telegram refused a request: ${err.error.description}`, context);
    else if (err.error instanceof HttpError) log.error(`Telegram could not be reached: ${err.error.message}`, context);
    else log.error(`update failed: ${err.error instanceof Error ? err.error.message : String(err.error)}`, context);
    if (isAddressed(ctx)) ctx.reply("抱歉，处理您的消息时出错了，请稍后再试。").catch(() => undefined);
  });
  return bot;
}

/** Registers the command menus: everyone sees the public commands, admins also the admin ones. */
export async function registerCommands(bot: Bot<BotContext>, config: Config, log: Logger): Promise<void> {
  try {
    await bot.api.setMyCommands(PUBLIC_COMMANDS);
    for (const id of config.adminIds) {
      await bot.api.setMyCommands([...PUBLIC_COMMANDS, ...ADMIN_COMMANDS], { scope: { type: "chat", chat_id: id } });
    }
  } catch (err) {
    log.warn("could not register the command menu", { error: err });
  }
}

/** Starts the bot with the runner; resolves once it is polling, returns the handle to stop it. */
export async function launchBot(
  config: Config,
  live: LiveApp,
  log: Logger,
  options: BotOptions = {},
): Promise<{ bot: Bot<BotContext>; runner: RunnerHandle }> {
  const bot = createBot(config, live, log, options);
  await bot.init();
  await registerCommands(bot, config, log);
  // A webhook left by an earlier start in webhook mode would make every getUpdates fail (409).
  await bot.api.deleteWebhook().catch((err: unknown) => log.warn("could not remove the webhook", { error: err }));
  const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] }, silent: true } });
  log.info(`bot @${bot.botInfo.username} is running`, {
    admins: config.adminIds.length,
    documents: Object.keys(live.current.index.manifest.files).length,
  });
  return { bot, runner };
}

/**
 * At start, in the background: files saved to DOCS_DIR that the index lacks or has stale (an upload whose
 * indexing a restart cut short, a file copied in while the bot was down) are indexed, and staged uploads left by
 * a stop while their overwrite question was pending are removed. Questions are answered meanwhile. The progress
 * messages a stop left at "正在…" are then finished with the outcome.
 */
export async function catchUp(config: Config, live: LiveApp, log: Logger, api?: Api): Promise<void> {
  const pending = new PendingProgress(pendingProgressFile(config.auditFile));
  const unfinished = await pending.takeAll().catch(() => []);
  let outcome = "重启前的索引更新被中断；重启后检查过资料库，索引已是最新的。";
  try {
    await removeOrphanedUploads();
    const drift = await docsDrift(config.docsDir, live.current.index.manifest);
    const count = drift.added.length + drift.changed.length + drift.removed.length;
    if (count > 0) {
      log.info("the docs folder changed since the index was built: indexing it", {
        added: drift.added.length,
        changed: drift.changed.length,
        removed: drift.removed.length,
      });
      const report = await live.reindex();
      log.info("start-up indexing done", { chunks: report.chunks, failed: report.failed.length });
      outcome = `重启前的索引更新被中断，重启后已补上。\n${summary(report)}`;
    }
  } catch (err) {
    log.error("start-up indexing failed; the last index keeps serving", { error: err });
    outcome = "重启前的索引更新被中断，重启后补建索引也失败了，仍按原索引回答问题。详细原因已记录在日志中。";
  }
  for (const ref of unfinished) {
    await api
      ?.editMessageText(ref.chatId, ref.messageId, outcome, { parse_mode: "HTML" })
      .catch((err: unknown) => log.warn("could not finish a progress message", { chat: ref.chatId, error: err }));
  }
}

/** Button presses per user: 20 at once, refilled over 10 seconds. */
const BUTTON_RATE = { limit: 20, windowMs: 10_000 };

/** How long a stop may take before the process exits regardless (answers in flight are abandoned). */
const STOP_GRACE_MS = 3000;

/** `npm start` with BOT_TOKEN: loads the pipeline, starts polling, stops within seconds on SIGINT/SIGTERM. */
export async function startBot(config: Config): Promise<void> {
  const log = createLogger(config);
  let stopping = false;
  const started: { runner?: RunnerHandle; webhook?: WebhookServer } = {};
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    stopAllWorkers();
    setTimeout(() => {
      log.warn(`still busy after ${STOP_GRACE_MS} ms: exiting anyway`);
      process.exit(0);
    }, STOP_GRACE_MS).unref();
    const { runner, webhook } = started;
    const closing = webhook ? webhook.close() : runner?.isRunning() ? runner.stop() : Promise.resolve();
    void closing.then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Signals are handled from here on: a stop during the first build or while Telegram is unreachable is prompt.
  log.info("loading the model and the index");
  const live = new LiveApp(await createApp(config, { buildIfMissing: true, log }));
  // With DATABASE_URL the bot's state and records are shared by every replica (state/postgres.ts, records.ts).
  const pgState = config.databaseUrl ? await PgState.connect(config.databaseUrl) : undefined;
  const state: StateStore = pgState ?? new MemoryState();
  const records: Records = pgState?.records() ?? new FileRecords(config);
  log.info("bot state", { store: state.kind, records: records.kind });
  // With DATABASE_URL, a re-index on any replica reaches this one without a restart.
  live.followDatabase(log);
  if (config.healthPort !== undefined) {
    await startHealthServer(config.healthPort, () => report());
    log.info("health endpoint listening", { url: `http://127.0.0.1:${config.healthPort}/healthz` });
  }
  const report = (): Promise<StatsReport> => statsReport(records, live, config.logQuestions);
  if (config.webhook) {
    const bot = createBot(config, live, log, { records, state });
    await bot.init();
    await registerCommands(bot, config, log);
    started.webhook = await serveWebhook(bot, config.webhook, log, report);
    log.info(`bot @${bot.botInfo.username} is running`, {
      admins: config.adminIds.length,
      documents: Object.keys(live.current.index.manifest.files).length,
      mode: "webhook",
    });
    void catchUp(config, live, log, bot.api);
    return;
  }
  const launched = await launchBot(config, live, log, { records, state });
  started.runner = launched.runner;
  void catchUp(config, live, log, launched.bot.api);
  await started.runner.task();
}

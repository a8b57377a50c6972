// Admin commands: only ids in ADMIN_IDS change the corpus, and every action or refused attempt goes to the
// audit trail. Work runs in the background (the admin's chat stays free for questions): /reindex edits one
// progress message, and a second /reindex while one runs points at that message; a document an admin sends is
// read in a worker process, saved under DOCS_DIR (overwriting only after confirmation) and indexed; /remove
// moves a document to TRASH_DIR after confirmation, /restore brings it back.
import { SharedBuildBusyError } from "../search/pg-index.js";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { InlineKeyboard, type Context } from "grammy";
import type { FileFlavor } from "@grammyjs/files";
import type { LiveApp } from "../app.js";
import type { Config } from "../config.js";
import { listDocumentFiles } from "../corpus/load.js";
import type { BuildProgress, BuildReport } from "../search/index-store.js";
import type { Logger } from "../log.js";
import { WorkerError } from "../worker/run.js";
import { AuditWriteError, type AuditAction, type AuditLog } from "./audit.js";
import type { PendingProgress } from "./pending-progress.js";
import { PENDING_MS, type StateStore } from "../state/store.js";
import { escapeHtml } from "./render.js";
import {
  MAX_UPLOAD_BYTES,
  UploadError,
  checkUploadBytes,
  checkUploadName,
  placeNewDocument,
  replaceDocument,
  readNote,
  readUpload,
} from "./uploads.js";

export type BotContext = FileFlavor<Context>;

export interface AdminDeps {
  live: LiveApp;
  config: Config;
  log: Logger;
  audit: AuditLog;
  /** The message of the running re-index. */
  state: AdminState;
  /** Confirmations waiting for an admin's button (in memory, or in PostgreSQL for every replica). */
  store: StateStore;
  /** Progress messages of builds in flight, finished on the next start if a stop cuts their build short. */
  pending?: PendingProgress;
}

/** Per-bot admin state: where the running re-index reports (the confirmations are in the StateStore). */
export class AdminState {
  reindexMessage: { chatId: number; messageId: number } | undefined;
}

export function isAdmin(ctx: Context, config: Config): boolean {
  return ctx.from !== undefined && config.adminIds.includes(ctx.from.id);
}

/** Refuses a non-admin, and records the attempt. */
export async function refuseNonAdmin(
  ctx: Context,
  deps: Pick<AdminDeps, "audit">,
  action: AuditAction,
  target?: string,
): Promise<void> {
  await deps.audit.record({
    userId: ctx.from?.id,
    chatId: ctx.chat?.id,
    action,
    outcome: "refused",
    target,
    detail: "not an admin",
  });
  await ctx.reply("抱歉，只有管理员可以修改资料库或重建索引。您可以直接向我提问。");
}

/** Runs admin work after the handler has returned, so the chat's next message is not held up; logs failures. */
export function inBackground(deps: Pick<AdminDeps, "log">, what: string, work: () => Promise<unknown>): void {
  void work().catch((err: unknown) => deps.log.error(`${what} failed`, { error: err }));
}

/** Names listed per line of a build summary; the rest are counted, so the summary fits one Telegram message. */
const SUMMARY_NAMES = 10;
/** Characters of a name in a build summary: seven lists of ten names stay well inside one message. */
const SUMMARY_NAME_CHARS = 40;

function shortName(name: string): string {
  return name.length > SUMMARY_NAME_CHARS ? `${name.slice(0, SUMMARY_NAME_CHARS - 1)}…` : name;
}

/** A build's outcome as the admin reads it: counts, and the first SUMMARY_NAMES names of each list. */
export function summary(report: BuildReport): string {
  const list = (names: string[]): string =>
    names.length === 0
      ? ""
      : `：${names.slice(0, SUMMARY_NAMES).map(shortName).map(escapeHtml).join("、")}` +
        (names.length > SUMMARY_NAMES ? " 等" : "");
  const lines = [
    `<b>索引已更新</b>（用时 ${report.seconds.toFixed(1)} 秒，共 ${report.chunks} 个段落）`,
    `新增 ${report.added.length}${list(report.added)}`,
    `修改 ${report.changed.length}${list(report.changed)}`,
    `删除 ${report.removed.length}${list(report.removed)}`,
    `未变 ${report.unchanged.length}`,
  ];
  if (report.failed.length) lines.push(`无法读取 ${report.failed.length}${list(report.failed.map((f) => f.source))}`);
  const replaced = report.decoded.filter((d) => d.replaced > 0);
  if (replaced.length)
    lines.push(`含无法识别的字节（已替换） ${replaced.length}${list(replaced.map((d) => d.source))}`);
  if (report.skipped.length) {
    const shown = report.skipped.slice(0, 10).map((f) => `${escapeHtml(shortName(f.path))}（${skipReason(f.reason)}）`);
    lines.push(`跳过 ${report.skipped.length}：${shown.join("、")}${report.skipped.length > 10 ? "…" : ""}`);
  }
  return lines.join("\n");
}

function skipReason(reason: string): string {
  if (reason.startsWith("hidden")) return "隐藏文件";
  if (reason.startsWith("symbolic")) return "符号链接";
  if (reason.startsWith("unsupported")) return "不支持的类型";
  return "不是普通文件";
}

/** The progress of a build, as the admin reads it. */
export function progressText(p: BuildProgress | undefined): string {
  switch (p?.stage) {
    case undefined:
      return "正在重建索引…";
    case "scan":
      return `正在重建索引：发现 ${p.files} 个文件…`;
    case "read":
      return `正在读取文件 ${p.done + 1}/${p.total}…`;
    case "embed":
      return `正在计算句向量 ${p.done}/${p.total}…`;
    case "write":
      return "正在写入索引…";
  }
}

/** One message edited with progress (at most every 1.5 s) and then the outcome. */
class ProgressMessage {
  private lastEdit = 0;
  private shown: string;

  private constructor(
    private readonly ctx: Context,
    readonly chatId: number,
    readonly messageId: number,
    intro: string,
    private readonly pending?: PendingProgress,
  ) {
    this.shown = intro;
  }

  static async send(ctx: Context, intro: string, pending?: PendingProgress): Promise<ProgressMessage> {
    const message = await ctx.reply(intro);
    const ref = { chatId: message.chat.id, messageId: message.message_id };
    await pending?.add(ref).catch(() => undefined);
    return new ProgressMessage(ctx, ref.chatId, ref.messageId, intro, pending);
  }

  /** The outcome: the last edit, and the message is no longer one a restart must finish. */
  async finish(text: string, html = false): Promise<void> {
    await this.edit(text, html);
    await this.pending?.remove({ chatId: this.chatId, messageId: this.messageId }).catch(() => undefined);
  }

  progress(p: BuildProgress): void {
    const now = Date.now();
    if (now - this.lastEdit < 1500) return;
    this.lastEdit = now;
    void this.edit(progressText(p));
  }

  async edit(text: string, html = false): Promise<void> {
    if (text === this.shown) return;
    this.shown = text;
    await this.ctx.api
      .editMessageText(this.chatId, this.messageId, text, html ? { parse_mode: "HTML" } : {})
      .catch(() => undefined);
  }
}

/** Why a build failed, for the admin. */
function buildFailure(err: unknown): string {
  if (err instanceof SharedBuildBusyError) {
    return "另一台服务器正在重建索引，这次没有运行。它完成后，新索引会自动在所有服务器上生效。";
  }
  if (err instanceof WorkerError && err.reason === "IndexLockedError") {
    return `另一个进程（${err.holder ?? "?"}）正在重建同一个索引，这次没有运行。原有索引继续使用。`;
  }
  if (err instanceof WorkerError && err.reason === "DocsFolderError") {
    return "索引是从另一个文件夹建立的，为避免删除其中的文件，这次没有重建。请检查 DOCS_DIR 设置。";
  }
  return "重建索引失败，资料库和原有索引都没有改变，仍按原索引回答问题。详细原因已记录在日志中。";
}

async function finishBuild(
  deps: AdminDeps,
  ctx: Context,
  message: ProgressMessage,
  build: Promise<BuildReport>,
): Promise<void> {
  try {
    const report = await build;
    deps.log.info("reindexed", {
      added: report.added.length,
      changed: report.changed.length,
      removed: report.removed.length,
      chunks: report.chunks,
      seconds: report.seconds,
    });
    await deps.audit.record({
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "reindex",
      outcome: "done",
      detail: `${report.chunks} chunks in ${report.seconds.toFixed(1)} s`,
    });
    await message.finish(summary(report), true);
  } catch (err) {
    deps.log.error("reindex failed", { error: err });
    await deps.audit.record({
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "reindex",
      outcome: "failed",
      detail: err instanceof Error ? err.message : String(err),
    });
    await message.finish(buildFailure(err));
  }
}

/** /reindex: starts a build and returns at once; while one runs, points at its progress message instead. */
export async function startReindex(ctx: Context, deps: AdminDeps): Promise<void> {
  if (deps.live.reindexing) {
    await deps.audit.record({
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "reindex",
      outcome: "refused",
      detail: "a re-index is already running",
    });
    const where = deps.state.reindexMessage;
    const sameChat = where && where.chatId === ctx.chat?.id;
    await ctx.reply(
      `已有一次重建正在进行（${progressText(deps.live.progress)}），完成后会在${sameChat ? "这条" : "进度"}消息中显示结果。期间仍可正常提问。`,
      {
        ...(sameChat ? { reply_parameters: { message_id: where.messageId, allow_sending_without_reply: true } } : {}),
      },
    );
    return;
  }
  const elsewhere = await deps.live.sharedBuild().catch((err: unknown) => {
    deps.log.warn("could not read the database's build", { error: err });
    return undefined;
  });
  if (elsewhere?.running) {
    await deps.audit.record({
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "reindex",
      outcome: "refused",
      detail: `a re-index is already running on another replica (${elsewhere.holder})`,
    });
    const message = await ProgressMessage.send(ctx, elsewhereText(elsewhere.progress), deps.pending);
    inBackground(deps, "reindex", () => followElsewhere(deps, message, elsewhere.started));
    return;
  }
  if (
    !(await auditFirst(ctx, deps, {
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "reindex",
      outcome: "requested",
    }))
  )
    return;
  const message = await ProgressMessage.send(ctx, "正在重建索引…", deps.pending);
  if (deps.live.reindexing) return message.finish("已有一次重建正在进行，请稍后再试。");
  // reindex() marks the build as running before it first waits, so no second one can start past this line.
  const build = deps.live.reindex({ onProgress: (p) => message.progress(p) });
  deps.state.reindexMessage = { chatId: message.chatId, messageId: message.messageId };
  inBackground(deps, "reindex", () =>
    finishBuild(deps, ctx, message, build).finally(() => {
      if (deps.state.reindexMessage?.messageId === message.messageId) deps.state.reindexMessage = undefined;
    }),
  );
}

/** Another replica's build, as the admin reads it. */
function elsewhereText(p: BuildProgress | undefined): string {
  return `另一台服务器已在重建索引（${progressText(p)}），这里显示它的进度，完成后显示结果。期间仍可正常提问。`;
}

/** How often another replica's build is read while an admin's message follows it, and for how long at most. */
const FOLLOW_MS = 1500;
const FOLLOW_LIMIT_MS = 3 * 60 * 60_000;

/**
 * Edits `message` with the progress another replica's build (started at `started`) writes to the database, then
 * with its outcome: the report of a build that published, or the failure of one that did not.
 */
async function followElsewhere(deps: AdminDeps, message: ProgressMessage, started: Date): Promise<void> {
  const until = Date.now() + FOLLOW_LIMIT_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, FOLLOW_MS));
    const build = await deps.live.sharedBuild().catch(() => undefined);
    if (!build || build.started.getTime() !== started.getTime()) {
      return message.finish("另一台服务器上的重建已结束，新索引（如有）已在所有服务器上生效。");
    }
    if (!build.running) {
      if (build.report) {
        return message.finish(
          `另一台服务器上的重建已完成，新索引几秒内在所有服务器上生效。\n${summary(build.report)}`,
          true,
        );
      }
      return message.finish(
        build.failed
          ? "另一台服务器上的重建失败了，资料库和原有索引都没有改变，仍按原索引回答问题。"
          : "另一台服务器上的重建中断了，原有索引继续使用。",
      );
    }
    if (Date.now() > until) return message.finish("另一台服务器上的重建仍在进行，这里不再显示它的进度。");
    await message.edit(elsewhereText(build.progress));
  }
}

/** After a change to the docs folder: a build that includes it (now, or after the running one). */
async function indexChange(ctx: Context, deps: AdminDeps, intro: string): Promise<void> {
  const queued = deps.live.reindexing;
  const message = await ProgressMessage.send(
    ctx,
    queued ? `${intro}当前的重建完成后会再次更新索引…` : `${intro}正在更新索引…`,
    deps.pending,
  );
  await finishBuild(
    deps,
    ctx,
    message,
    deps.live.reindexSoon((p) => message.progress(p)),
  );
}

/** What an admin reads when the record a change needs cannot be written: the change is not made. */
const AUDIT_FAILED = "无法写入审计日志（磁盘已满或没有写入权限？），这次操作没有执行，资料库没有改变。";

/**
 * Writes the record of a change before the change is made. False, with the admin told, when the audit file
 * cannot be written: no change to the corpus goes unrecorded.
 */
async function auditFirst(ctx: Context, deps: AdminDeps, event: Parameters<AuditLog["require"]>[0]): Promise<boolean> {
  try {
    await deps.audit.require(event);
    return true;
  } catch (err) {
    if (!(err instanceof AuditWriteError)) throw err;
    await ctx.reply(AUDIT_FAILED);
    return false;
  }
}

/** Documents per page of /docs: with names and titles cut to DOCS_LINE_CHARS, a page stays one message. */
const DOCS_PAGE = 20;
const DOCS_LINE_CHARS = 60;

/**
 * /docs [页码 | 关键词]: the indexed documents, DOCS_PAGE a page (/docs 2 for the second), or those whose file
 * name or title contains the word (/docs 昂仁).
 */
export function docsPage(files: [string, { title: string; chunks: number }][], arg: string): string {
  if (files.length === 0) return "资料库中还没有文件。";
  const query = arg.trim();
  const numbered = files.map(([name, f], i) => ({ n: i + 1, name, f }));
  const searching = query !== "" && !/^\d+$/.test(query);
  const page = searching || query === "" ? 1 : Number(query);
  const found = searching ? numbered.filter((d) => `${d.name} ${d.f.title}`.includes(query)) : numbered;
  if (found.length === 0) return `没有文件名或标题包含“${query}”的文件。`;
  const pages = Math.ceil(found.length / DOCS_PAGE);
  const shown = Math.min(Math.max(page, 1), pages);
  const cut = (text: string): string => (text.length > DOCS_LINE_CHARS ? `${text.slice(0, DOCS_LINE_CHARS)}…` : text);
  const lines = found
    .slice((shown - 1) * DOCS_PAGE, shown * DOCS_PAGE)
    .map((d) => `${d.n}. ${escapeHtml(cut(d.name))} · ${escapeHtml(cut(d.f.title))}（${d.f.chunks} 段）`);
  const head = searching ? `包含“${escapeHtml(query)}”的文件（${found.length}）` : `已索引的文件（${files.length}）`;
  const foot =
    pages > 1
      ? `\n第 ${shown}/${pages} 页。/docs ${shown < pages ? shown + 1 : 1} 看${shown < pages ? "下一页" : "第一页"}，/docs 关键词 搜索。`
      : "";
  return `<b>${head}</b>\n${lines.join("\n")}${foot}`;
}

export async function listDocs(ctx: Context, deps: Pick<AdminDeps, "live">, arg = ""): Promise<void> {
  const files = Object.entries(deps.live.current.index.manifest.files);
  const text = docsPage(files, arg);
  await ctx.reply(text, text.startsWith("<b>") ? { parse_mode: "HTML" } : {});
}

function confirmKeyboard(id: string, yes: string): InlineKeyboard {
  return new InlineKeyboard().text(yes, `ok:${id}:yes`).text("取消", `ok:${id}:no`);
}

/** /remove 文件名: asks for confirmation before moving the document to the trash. */
export async function askRemove(ctx: Context, name: string, deps: AdminDeps): Promise<void> {
  const target = name.trim();
  if (!target) {
    await ctx.reply("用法：/remove 文件名（用 /docs 查看文件名）");
    return;
  }
  // Any document file under DOCS_DIR, indexed or not (one that failed to read is removed the same way); the name
  // is matched against the folder's own listing, so no path outside it can be named.
  const inFolder = (await listDocumentFiles(deps.config.docsDir).catch(() => ({ files: [] as string[] }))).files;
  if (!inFolder.includes(target)) {
    await ctx.reply(`资料库中没有名为“${target}”的文件。用 /docs 查看文件名。`);
    return;
  }
  const id = await deps.store.putPending({
    kind: "remove",
    name: target,
    userId: ctx.from?.id ?? 0,
    chatId: ctx.chat?.id ?? 0,
  });
  await ctx.reply(`确定要删除“${escapeHtml(target)}”并更新索引吗？（文件会移到回收站，可用 /restore 恢复）`, {
    parse_mode: "HTML",
    reply_markup: confirmKeyboard(id, "删除"),
  });
}

/** Moves a document into a new folder of the trash (named by the time), keeping its path below DOCS_DIR. */
async function moveToTrash(config: Config, name: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const target = join(config.trashDir, stamp, name);
  await mkdir(dirname(target), { recursive: true });
  await moveFile(join(config.docsDir, name), target);
  return target;
}

/** rename, or copy and delete when the two folders are on different file systems. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** Every document in the trash, newest removal first: its name below DOCS_DIR and its path in the trash. */
async function trashed(config: Config): Promise<{ name: string; path: string; removedAt: string }[]> {
  if (!existsSync(config.trashDir)) return [];
  const out: { name: string; path: string; removedAt: string }[] = [];
  for (const stamp of (await readdir(config.trashDir)).sort().reverse()) {
    const root = join(config.trashDir, stamp);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const path = join(e.parentPath, e.name);
      out.push({ name: relative(root, path).split(sep).join("/"), path, removedAt: stamp });
    }
  }
  return out;
}

/** /restore lists the trash; /restore 文件名 brings the latest removed copy back and re-indexes. */
export async function restore(ctx: Context, name: string, deps: AdminDeps): Promise<void> {
  const items = await trashed(deps.config);
  const target = name.trim();
  if (!target) {
    if (items.length === 0) return void (await ctx.reply("回收站是空的。"));
    const lines = items.slice(0, 20).map((t, i) => `${i + 1}. ${escapeHtml(t.name)}`);
    await ctx.reply(`<b>回收站（${items.length}）</b>\n${lines.join("\n")}\n\n用 /restore 文件名 恢复。`, {
      parse_mode: "HTML",
    });
    return;
  }
  const item = items.find((t) => t.name === target);
  if (!item) return void (await ctx.reply(`回收站中没有“${target}”。用 /restore 查看回收站。`));
  const destination = join(deps.config.docsDir, item.name);
  if (existsSync(destination)) {
    await deps.audit.record({
      userId: ctx.from?.id,
      chatId: ctx.chat?.id,
      action: "restore",
      outcome: "refused",
      target,
      detail: "a document of that name exists",
    });
    return void (await ctx.reply(`资料库中已有“${target}”，没有恢复。如需替换，请先 /remove 它。`));
  }
  const event = {
    userId: ctx.from?.id,
    chatId: ctx.chat?.id,
    action: "restore",
    outcome: "requested",
    target,
  } as const;
  if (!(await auditFirst(ctx, deps, event))) return;
  await mkdir(dirname(destination), { recursive: true });
  await moveFile(item.path, destination);
  await deps.audit.record({ userId: ctx.from?.id, chatId: ctx.chat?.id, action: "restore", outcome: "done", target });
  await indexChange(ctx, deps, `已恢复“${target}”，`);
}

/** The answer to a confirmation button (overwrite an upload, or remove a file). */
export async function confirmAction(ctx: Context, id: string, yes: boolean, deps: AdminDeps): Promise<void> {
  const action = await deps.store.takePending(id, ctx.from?.id, ctx.chat?.id);
  if (!action) {
    await ctx.answerCallbackQuery({ text: "这个操作已失效，请重新发起。" });
    return;
  }
  await ctx.answerCallbackQuery();
  const audit = { userId: action.userId, chatId: action.chatId, target: action.name };
  if (!yes) {
    await deps.audit.record({ ...audit, action: action.kind, outcome: "cancelled" });
    await ctx.reply("已取消，资料库没有改变。");
    return;
  }
  if (action.kind === "remove") {
    if (!existsSync(join(deps.config.docsDir, action.name)))
      return void (await ctx.reply(`“${action.name}”已不在资料库中。`));
    if (!(await auditFirst(ctx, deps, { ...audit, action: "remove", outcome: "requested", detail: "confirmed" })))
      return;
    const where = await moveToTrash(deps.config, action.name);
    await deps.audit.record({ ...audit, action: "remove", outcome: "done", detail: `moved to ${where}` });
    await indexChange(ctx, deps, `已删除“${action.name}”（已移到回收站），`);
  } else if (action.bytes) {
    if (!(await auditFirst(ctx, deps, { ...audit, action: "overwrite", outcome: "requested", detail: "confirmed" })))
      return;
    // The version overwritten goes to the trash like a removed one, so /restore can bring it back.
    const previous = existsSync(join(deps.config.docsDir, action.name))
      ? await moveToTrash(deps.config, action.name)
      : undefined;
    await replaceDocument(deps.config.docsDir, action.name, action.bytes);
    const detail = previous ? `previous version moved to ${previous}` : undefined;
    await deps.audit.record({ ...audit, action: "overwrite", outcome: "done", detail });
    await indexChange(ctx, deps, `已覆盖“${action.name}”，`);
  }
}

/**
 * The file's bytes, read into memory with the upload limit enforced. (The files plugin's own download speaks
 * only https and ignores HTTP errors; a local Bot API server may serve files over http.)
 */
async function downloadBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`download failed: HTTP ${response.status}`);
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > MAX_UPLOAD_BYTES)
    throw new UploadError("文件太大了（上限 20 MB）。", `download of ${length} bytes refused`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A document sent by an admin: downloaded, read in a worker, then saved and indexed (or held to overwrite). */
export async function receiveDocument(ctx: BotContext, deps: AdminDeps): Promise<void> {
  const doc = ctx.msg?.document;
  if (!doc) return;
  const audit = { userId: ctx.from?.id, chatId: ctx.chat?.id, target: doc.file_name ?? "document" };
  let staging: string | undefined;
  try {
    const name = checkUploadName(doc.file_name ?? "document", doc.file_size);
    audit.target = name;
    const file = await ctx.getFile();
    const bytes = await downloadBytes(file.getUrl());
    checkUploadBytes(name, bytes);
    staging = await mkdtemp(join(tmpdir(), "duikou-upload-"));
    const staged = join(staging, name);
    await writeFile(staged, bytes);
    const read = await readUpload(staged, name);
    if (!(await auditFirst(ctx, deps, { ...audit, action: "upload", outcome: "requested" }))) return;
    // The name is taken atomically: of two uploads of one new name, the second is asked to overwrite.
    if (!(await placeNewDocument(deps.config.docsDir, name, bytes))) {
      const id = await deps.store.putPending({
        kind: "overwrite",
        name,
        bytes,
        userId: ctx.from?.id ?? 0,
        chatId: ctx.chat?.id ?? 0,
      });
      await deps.audit.record({ ...audit, action: "overwrite", outcome: "requested" });
      await ctx.reply(`资料库中已有“${escapeHtml(name)}”。要用新文件覆盖它吗？`, {
        parse_mode: "HTML",
        reply_markup: confirmKeyboard(id, "覆盖"),
      });
      return;
    }
    await deps.audit.record({
      ...audit,
      action: "upload",
      outcome: "done",
      detail:
        `${bytes.length} bytes, ${read.chars} characters, ${read.chunks} passages` +
        (read.encoding ? `, ${read.encoding}` : "") +
        (read.replaced ? `, ${read.replaced} stray bytes replaced` : ""),
    });
    await indexChange(ctx, deps, `已收到“${name}”（${read.title}）${readNote(read)}，`);
  } catch (err) {
    if (err instanceof UploadError) {
      await deps.audit.record({ ...audit, action: "upload", outcome: "refused", detail: err.message });
      await ctx.reply(err.userMessage);
      return;
    }
    await deps.audit.record({
      ...audit,
      action: "upload",
      outcome: "failed",
      detail: err instanceof Error ? err.message : String(err),
    });
    await ctx.reply("文件下载或保存失败，资料库没有改变。请稍后重试。");
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Staged uploads (tmpdir/duikou-upload-*) older than a pending confirmation can live: an upload is staged only
 * while it is checked (an overwrite waits with its bytes in the StateStore), so these are left by a stop in the
 * middle of a check, up to 20 MB each.
 */
export async function removeOrphanedUploads(now = Date.now()): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith("duikou-upload-")) continue;
    const path = join(tmpdir(), entry);
    const info = await stat(path).catch(() => undefined);
    if (!info || now - info.mtimeMs < PENDING_MS) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

// Admin commands: only ids in ADMIN_IDS change the corpus. /reindex rebuilds from DOCS_DIR, editing one
// progress message; /docs lists the indexed documents; /remove 文件名 deletes one after confirmation; a
// document an admin sends is checked, saved under DOCS_DIR (overwriting only after confirmation) and indexed.
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InlineKeyboard, type Context } from "grammy";
import type { FileFlavor } from "@grammyjs/files";
import { ReindexBusyError, type LiveApp } from "../app.js";
import type { Config } from "../config.js";
import type { BuildProgress, BuildReport } from "../search/index-store.js";
import type { Logger } from "../log.js";
import { escapeHtml } from "./render.js";
import { MAX_UPLOAD_BYTES, UploadError, checkUpload } from "./uploads.js";

export type BotContext = FileFlavor<Context>;

export interface AdminDeps {
  live: LiveApp;
  config: Config;
  log: Logger;
}

interface PendingAction {
  kind: "overwrite" | "remove";
  name: string;
  bytes?: Uint8Array;
  userId: number;
}

const pending = new Map<string, PendingAction>();
let pendingCounter = 0;

export function isAdmin(ctx: Context, config: Config): boolean {
  return ctx.from !== undefined && config.adminIds.includes(ctx.from.id);
}

export async function refuseNonAdmin(ctx: Context): Promise<void> {
  await ctx.reply("抱歉，只有管理员可以修改资料库或重建索引。您可以直接向我提问。");
}

function summary(report: BuildReport): string {
  const list = (names: string[]): string => (names.length ? `：${names.map(escapeHtml).join("、")}` : "");
  const lines = [
    `<b>索引已更新</b>（用时 ${report.seconds.toFixed(1)} 秒，共 ${report.chunks} 个段落）`,
    `新增 ${report.added.length}${list(report.added)}`,
    `修改 ${report.changed.length}${list(report.changed)}`,
    `删除 ${report.removed.length}${list(report.removed)}`,
    `未变 ${report.unchanged.length}`,
  ];
  if (report.failed.length) lines.push(`无法读取 ${report.failed.length}：${report.failed.map((f) => escapeHtml(f.source)).join("、")}`);
  return lines.join("\n");
}

function progressText(p: BuildProgress): string {
  switch (p.stage) {
    case "scan":
      return `正在重建索引：发现 ${p.files} 个文件…`;
    case "read":
      return `正在读取文件 ${p.done + 1}/${p.total}…`;
    case "embed":
      return `正在计算向量 ${p.done}/${p.total}…`;
    case "sentences":
      return `正在计算句向量 ${p.done}/${p.total}…`;
    case "write":
      return "正在写入索引…";
  }
}

/** Runs a re-index, editing one message with progress (at most every 1.5 s) and the summary at the end. */
export async function reindexWithProgress(ctx: Context, deps: AdminDeps, intro = "正在重建索引…"): Promise<BuildReport | undefined> {
  if (deps.live.reindexing) {
    await ctx.reply("已有一次重建正在进行，请稍后再试。期间仍可正常提问。");
    return undefined;
  }
  const message = await ctx.reply(intro);
  let lastEdit = 0;
  let lastText = intro;
  const edit = async (text: string, html = false): Promise<void> => {
    if (text === lastText) return;
    lastText = text;
    await ctx.api.editMessageText(message.chat.id, message.message_id, text, html ? { parse_mode: "HTML" } : {}).catch(() => undefined);
  };
  try {
    const report = await deps.live.reindex({
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastEdit < 1500) return;
        lastEdit = now;
        void edit(progressText(p));
      },
    });
    deps.log.info("reindexed", { added: report.added.length, changed: report.changed.length, removed: report.removed.length, chunks: report.chunks, seconds: report.seconds });
    await edit(summary(report), true);
    return report;
  } catch (err) {
    if (err instanceof ReindexBusyError) {
      await edit("已有一次重建正在进行，请稍后再试。");
      return undefined;
    }
    deps.log.error("reindex failed", { error: err });
    await edit("重建索引失败，资料库和原有索引都没有改变，仍按原索引回答问题。详细原因已记录在日志中。");
    return undefined;
  }
}

export async function listDocs(ctx: Context, deps: AdminDeps): Promise<void> {
  const files = Object.entries(deps.live.current.index.manifest.files);
  if (files.length === 0) {
    await ctx.reply("资料库中还没有文件。");
    return;
  }
  const lines = files.map(([name, f], i) => `${i + 1}. ${escapeHtml(name)} · ${escapeHtml(f.title)}（${f.chunks} 段）`);
  await ctx.reply(`<b>已索引的文件（${files.length}）</b>\n${lines.join("\n")}`, { parse_mode: "HTML" });
}

function confirmKeyboard(id: string, yes: string): InlineKeyboard {
  return new InlineKeyboard().text(yes, `ok:${id}:yes`).text("取消", `ok:${id}:no`);
}

export async function askRemove(ctx: Context, name: string, deps: AdminDeps): Promise<void> {
  const target = name.trim();
  if (!target) {
    await ctx.reply("用法：/remove 文件名（用 /docs 查看文件名）");
    return;
  }
  if (!(target in deps.live.current.index.manifest.files) || !existsSync(join(deps.config.docsDir, target))) {
    await ctx.reply(`资料库中没有名为“${target}”的文件。用 /docs 查看文件名。`);
    return;
  }
  const id = (pendingCounter++).toString(36);
  pending.set(id, { kind: "remove", name: target, userId: ctx.from?.id ?? 0 });
  await ctx.reply(`确定要删除“${escapeHtml(target)}”并更新索引吗？`, { parse_mode: "HTML", reply_markup: confirmKeyboard(id, "删除") });
}

async function saveAndIndex(ctx: Context, name: string, bytes: Uint8Array, deps: AdminDeps): Promise<void> {
  await writeFile(join(deps.config.docsDir, name), bytes);
  deps.log.info("document saved", { name, bytes: bytes.length });
  await reindexWithProgress(ctx, deps, `已保存“${name}”，正在更新索引…`);
}

/** The answer to a confirmation button (overwrite an upload, or remove a file). */
export async function confirmAction(ctx: Context, id: string, yes: boolean, deps: AdminDeps): Promise<void> {
  const action = pending.get(id);
  if (!action || action.userId !== ctx.from?.id) {
    await ctx.answerCallbackQuery({ text: "这个操作已失效。" });
    return;
  }
  pending.delete(id);
  await ctx.answerCallbackQuery();
  if (!yes) {
    await ctx.reply("已取消，资料库没有改变。");
    return;
  }
  if (action.kind === "remove") {
    await rm(join(deps.config.docsDir, action.name), { force: true });
    deps.log.info("document removed", { name: action.name });
    await reindexWithProgress(ctx, deps, `已删除“${action.name}”，正在更新索引…`);
  } else if (action.bytes) {
    await saveAndIndex(ctx, action.name, action.bytes, deps);
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
  if (length > MAX_UPLOAD_BYTES) throw new UploadError("文件太大了（上限 20 MB）。", `download of ${length} bytes refused`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_UPLOAD_BYTES) throw new UploadError("文件太大了（上限 20 MB）。", `download of ${bytes.length} bytes refused`);
  return bytes;
}

/** A document sent by an admin: checked, then saved and indexed (or held for confirmation to overwrite). */
export async function receiveDocument(ctx: BotContext, deps: AdminDeps): Promise<void> {
  const doc = ctx.msg?.document;
  if (!doc) return;
  try {
    const { name } = await checkUpload(doc.file_name ?? "document", doc.file_size);
    const file = await ctx.getFile();
    const bytes = await downloadBytes(file.getUrl());
    const checked = await checkUpload(name, bytes.length, bytes);
    if (existsSync(join(deps.config.docsDir, checked.name))) {
      const id = (pendingCounter++).toString(36);
      pending.set(id, { kind: "overwrite", name: checked.name, bytes, userId: ctx.from?.id ?? 0 });
      await ctx.reply(`资料库中已有“${escapeHtml(checked.name)}”。要用新文件覆盖它吗？`, { parse_mode: "HTML", reply_markup: confirmKeyboard(id, "覆盖") });
      return;
    }
    await ctx.reply(`已收到“${checked.name}”（${checked.doc?.title ?? ""}），正在加入资料库…`);
    await saveAndIndex(ctx, checked.name, bytes, deps);
  } catch (err) {
    if (err instanceof UploadError) {
      deps.log.warn("upload rejected", { reason: err.message });
      await ctx.reply(err.userMessage);
      return;
    }
    deps.log.error("upload failed", { error: err });
    await ctx.reply("文件下载或保存失败，资料库没有改变。请稍后重试。");
  }
}

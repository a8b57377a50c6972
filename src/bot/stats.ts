// How the bot is doing, for its admin (/stats) and a process supervisor (GET /healthz on HEALTH_PORT): questions
// asked, answered and refused in the last day and week, the median answer time, the most frequent refused
// questions (what the corpus is missing), recent 👎 answers, the index's generation and size, and memory. The
// figures come from the bot's records (state/records.ts): this process's memory and FEEDBACK_FILE by default, every
// replica's rows in PostgreSQL with DATABASE_URL.
import { open, readdir, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { basename, join } from "node:path";
import type { LiveApp } from "../app.js";
import type { Records } from "../state/records.js";
import type { FeedbackRecord } from "./feedback.js";
import { escapeHtml } from "./render.js";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;
/** Questions counted in memory at most (the oldest go first): time, outcome and answer time only. */
const MAX_EVENTS = 100_000;
/** Refused questions whose text is kept for "what the corpus is missing" (the oldest go first), and their length. */
const MAX_REFUSED_TEXTS = 2000;
const REFUSED_TEXT_CHARS = 100;

export interface AskEvent {
  at: number;
  question: string;
  answered: boolean;
  ms: number;
}

export interface Counts {
  asked: number;
  answered: number;
  refused: number;
}

export interface StatsReport {
  since: string;
  uptimeSeconds: number;
  day: Counts;
  week: Counts;
  medianAnswerMs: number | undefined;
  /** The most frequent refused questions of the week (texts only where questions may be shown). */
  topRefused: { question: string; count: number }[];
  /** The latest 👎 votes: the question and the answer it got. */
  downVotes: { at: string; question: string; answer: string }[];
  index: { generation: string; documents: number; chunks: number; bytes: number; reindexing: boolean };
  memory: { rssMiB: number; heapUsedMiB: number };
}

/** A refused question as topRefused counts it: without white space and end punctuation, cut. */
export function refusedKey(question: string): string {
  return question
    .replace(/\s+/g, "")
    .replace(/[？?。！!]+$/, "")
    .slice(0, REFUSED_TEXT_CHARS);
}

/** When this process started (/stats's "since" and uptime are the replica's own). */
const PROCESS_STARTED = Date.now();

/**
 * Counts of the questions answered by this process, by time. Texts are kept only of refused questions, cut and
 * bounded: a day of 8,000 users' long questions takes a few MiB, not a hundred.
 */
export class BotStats {
  private events: Omit<AskEvent, "question">[] = [];
  private refused: { at: number; question: string }[] = [];

  record(event: AskEvent): void {
    const { at, answered, ms } = event;
    this.events.push({ at, answered, ms });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    if (answered) return;
    // A fresh copy, since a slice keeps the whole text alive.
    this.refused.push({ at, question: Buffer.from(refusedKey(event.question), "utf8").toString("utf8") });
    if (this.refused.length > MAX_REFUSED_TEXTS) this.refused.splice(0, this.refused.length - MAX_REFUSED_TEXTS);
  }

  private within(ms: number, now: number): Omit<AskEvent, "question">[] {
    return this.events.filter((e) => now - e.at <= ms);
  }

  counts(ms: number, now = Date.now()): Counts {
    const recent = this.within(ms, now);
    const answered = recent.filter((e) => e.answered).length;
    return { asked: recent.length, answered, refused: recent.length - answered };
  }

  medianMs(now = Date.now()): number | undefined {
    const times = this.within(WEEK_MS, now)
      .map((e) => e.ms)
      .sort((a, b) => a - b);
    return times.length ? times[Math.floor(times.length / 2)] : undefined;
  }

  topRefused(limit = 5, now = Date.now()): { question: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const e of this.refused) if (now - e.at <= WEEK_MS) counts.set(e.question, (counts.get(e.question) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([question, count]) => ({ question, count }));
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[]))
    total += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
  return total;
}

/** How much of the end of the feedback file is read for the latest 👎 (the file only grows). */
const FEEDBACK_TAIL_BYTES = 256 * 1024;

/** The last bytes of a file as text, starting at a whole line. */
async function tail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString("utf8");
    return start > 0 ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    await handle.close();
  }
}

/** The latest 👎 of a feedback file, read from its end. */
export async function latestDownVotes(file: string, limit: number): Promise<StatsReport["downVotes"]> {
  const text = await tail(file, FEEDBACK_TAIL_BYTES);
  const down: StatsReport["downVotes"] = [];
  // Newest first; each user's latest vote on an answer counts once (an earlier vote they changed does not).
  const seen = new Set<string>();
  for (const line of text.trim().split("\n").reverse()) {
    if (!line || down.length >= limit) continue;
    try {
      const r = JSON.parse(line) as FeedbackRecord;
      const key = r.answerId ? `${r.answerId}:${r.userId}` : undefined;
      if (key && seen.has(key)) continue;
      if (key) seen.add(key);
      if (r.vote === "down") down.push({ at: r.at, question: r.question, answer: r.answer });
    } catch {
      // A damaged line is skipped.
    }
  }
  return down;
}

/**
 * The figures of /stats and /healthz. With `showQuestions` false, question texts are left out; `fresh` computes
 * them now (an admin's /stats) rather than taking the figures of the last few seconds (a health check's poll).
 */
export async function statsReport(
  records: Records,
  live: LiveApp,
  showQuestions = true,
  fresh = false,
): Promise<StatsReport> {
  const now = Date.now();
  const questions = await records.questionFigures(now, fresh);
  const { index } = live.current;
  const memory = process.memoryUsage();
  const hide = (q: string): string => (showQuestions ? q : "[hidden]");
  return {
    since: new Date(PROCESS_STARTED).toISOString(),
    uptimeSeconds: Math.round((now - PROCESS_STARTED) / 1000),
    day: questions.day,
    week: questions.week,
    medianAnswerMs: questions.medianAnswerMs,
    topRefused: questions.topRefused.map((r) => ({ ...r, question: hide(r.question) })),
    downVotes: (await records.downVotes(5)).map((d) => ({
      ...d,
      question: hide(d.question),
      answer: showQuestions ? d.answer : "[hidden]",
    })),
    index: {
      generation: basename(index.dir),
      documents: Object.keys(index.manifest.files).length,
      chunks: index.chunks.length,
      bytes: await folderBytes(index.dir),
      reindexing: live.reindexing,
    },
    memory: { rssMiB: Math.round(memory.rss / 2 ** 20), heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20) },
  };
}

/** /stats as the admin reads it. */
export function renderStats(r: StatsReport): string {
  const counts = (c: Counts): string => `提问 ${c.asked}，回答 ${c.answered}，未找到 ${c.refused}`;
  const lines = [
    `<b>运行情况</b>（自 ${escapeHtml(r.since.slice(0, 16).replace("T", " "))} UTC 启动）`,
    `最近 24 小时：${counts(r.day)}`,
    `最近 7 天：${counts(r.week)}`,
    `回答用时中位数：${r.medianAnswerMs === undefined ? "—" : `${r.medianAnswerMs} 毫秒`}`,
  ];
  if (r.topRefused.length) {
    lines.push("", "<b>最常未找到的问题</b>（资料库可能缺少的内容）");
    for (const t of r.topRefused) lines.push(`· ${escapeHtml(t.question)}（${t.count} 次）`);
  }
  if (r.downVotes.length) {
    lines.push("", "<b>最近的 👎</b>");
    for (const d of r.downVotes) lines.push(`· ${escapeHtml(d.question)} → ${escapeHtml(d.answer.slice(0, 60))}`);
  }
  lines.push(
    "",
    `<b>索引</b>：${escapeHtml(r.index.generation)}，${r.index.documents} 份文件，${r.index.chunks} 个段落，` +
      `${(r.index.bytes / 2 ** 20).toFixed(1)} MB${r.index.reindexing ? "（正在重建）" : ""}`,
    `<b>内存</b>：${r.memory.rssMiB} MiB（堆 ${r.memory.heapUsedMiB} MiB）`,
  );
  return lines.join("\n");
}

/** GET /healthz on 127.0.0.1:port: the figures as JSON (question texts only with LOG_QUESTIONS=1). */
export async function startHealthServer(port: number, report: () => Promise<StatsReport>): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/healthz") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    report()
      .then((r) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", ...r })),
      )
      .catch((err: unknown) =>
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ status: "error", error: String(err) })),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return server;
}

// Runs a task in a worker process with limits on time and memory: the child is killed when it passes either,
// and every child still running is killed when the bot stops. The bot's own event loop only waits on messages,
// so questions keep being answered whatever a worker is doing.
import { fork, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setPriority } from "node:os";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DocumentProblem } from "../corpus/load.js";
import type { BuildProgress } from "../search/index-store.js";
import type { WorkerReply, WorkerTask } from "./protocol.js";

export interface WorkerLimits {
  /** Wall-clock time the task may take. */
  timeoutMs: number;
  /** Resident memory the worker may use (checked every 250 ms where /proc exists; V8's heap is capped too). */
  maxMemoryMb: number;
}

/**
 * Limits for reading one uploaded document: 30 s is ten times what the largest ordinary upload takes (a 20 MB
 * text PDF); a PDF built to hold a core gives up sooner and holds only the one reader.
 */
export const READ_LIMITS: WorkerLimits = { timeoutMs: 30_000, maxMemoryMb: 1024 };
/** Limits for building the index (a large corpus takes a while; its model needs room). */
export const BUILD_LIMITS: WorkerLimits = { timeoutMs: 2 * 60 * 60_000, maxMemoryMb: 2048 };

/** The worker stopped for passing a limit, or crashed, or reported an error of its own. */
export class WorkerError extends Error {
  constructor(
    message: string,
    /** "time" or "memory" when a limit was passed; "crash" when it died; otherwise the task's error name. */
    readonly reason: string,
    readonly problem?: DocumentProblem,
    readonly holder?: number,
  ) {
    super(message);
  }
}

const running = new Set<ChildProcess>();

/** The worker entry as this code runs it: compiled JavaScript directly, TypeScript through tsx's loader. */
function childEntry(): { path: string; execArgv: string[] } {
  const here = import.meta.url;
  const ts = here.endsWith(".ts");
  const path = fileURLToPath(new URL(ts ? "./child.ts" : "./child.js", here));
  const loader = ts ? ["--import", pathToFileURL(createRequire(here).resolve("tsx")).href] : [];
  return { path, execArgv: loader };
}

async function residentMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Uploads read at once at most (each in its own process): a burst of uploads waits its turn, and a heavy read
 * never holds more than one core of two (the bot's process keeps the other).
 */
export const MAX_READ_WORKERS = 1;
/** Workers run at a lower CPU priority than the bot (nice 10), so a build or a read yields to the questions. */
const WORKER_NICE = 10;
let readers = 0;
const readQueue: (() => void)[] = [];

async function readSlot(): Promise<() => void> {
  if (readers >= MAX_READ_WORKERS) await new Promise<void>((resolve) => readQueue.push(resolve));
  readers++;
  return () => {
    readers--;
    readQueue.shift()?.();
  };
}

/**
 * Runs one task in a fresh worker process; resolves with its result, rejects with a WorkerError. Reads of
 * uploads run at most MAX_READ_WORKERS at a time; a build runs whenever asked (LiveApp runs one at a time).
 */
export async function runInWorker<T>(
  task: WorkerTask,
  limits: WorkerLimits,
  onProgress?: (p: BuildProgress) => void,
): Promise<T> {
  if (task.type !== "read") return runChild<T>(task, limits, onProgress);
  const release = await readSlot();
  try {
    return await runChild<T>(task, limits, onProgress);
  } finally {
    release();
  }
}

function runChild<T>(task: WorkerTask, limits: WorkerLimits, onProgress?: (p: BuildProgress) => void): Promise<T> {
  const { path, execArgv } = childEntry();
  const heapMb = Math.max(128, Math.floor(limits.maxMemoryMb * 0.75));
  const child = fork(path, [], {
    execArgv: [...execArgv, `--max-old-space-size=${heapMb}`],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  running.add(child);
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, WORKER_NICE);
    } catch {
      // Not permitted here: the worker runs at the bot's priority.
    }
  }
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new WorkerError(`the worker passed its time limit of ${limits.timeoutMs} ms`, "time"))),
      limits.timeoutMs,
    );
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      void residentMb(child.pid).then((mb) => {
        if (mb !== undefined && mb > limits.maxMemoryMb) {
          finish(() =>
            reject(
              new WorkerError(
                `the worker passed its memory limit (${Math.round(mb)} MB > ${limits.maxMemoryMb} MB)`,
                "memory",
              ),
            ),
          );
        }
      });
    }, 250);
    child.on("message", (reply: WorkerReply) => {
      if (reply.type === "progress") onProgress?.(reply.progress);
      else if (reply.type === "result") finish(() => resolve(reply.value as T));
      else finish(() => reject(new WorkerError(reply.message, reply.name, reply.problem, reply.holder)));
    });
    child.on("error", (err) =>
      finish(() => reject(new WorkerError(`the worker could not run: ${err.message}`, "crash"))),
    );
    child.on("exit", (code, signal) => {
      const heap = /heap out of memory|Allocation failed/i.test(stderr);
      finish(() =>
        reject(
          heap
            ? new WorkerError("the worker ran out of its memory limit", "memory")
            : new WorkerError(
                `the worker exited (${signal ?? `code ${code}`}) without a result: ${stderr.trim().slice(-300)}`,
                "crash",
              ),
        ),
      );
    });
    child.send(task);
  });
}

/** How many worker processes run now. */
export function runningWorkers(): number {
  return running.size;
}

/** Kills every worker still running (the bot is stopping): their tasks fail, nothing half-written is served. */
export function stopAllWorkers(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

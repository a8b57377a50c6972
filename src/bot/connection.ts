// Keeps the bot visible when Telegram is not: getMe and getUpdates that fail for want of a connection (or with
// a server error) are retried with back-off (1 s doubling to 60 s), each failure is logged with the attempt and
// the wait, and the return of the connection is logged with how long it was gone.
import type { Transformer } from "grammy";
import type { Logger } from "../log.js";

export interface WatchOptions {
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** The signal grammY passes (its own AbortSignal type): only `aborted` and the abort event are used. */
interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
}

function sleep(ms: number, signal?: AbortLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    }, { once: true });
  });
}

/** An API transformer that waits out an unreachable Bot API for the calls that poll it (getMe, getUpdates). */
export function watchConnection(log: Logger, options: WatchOptions = {}): Transformer {
  const first = options.firstDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 60_000;
  let downSince: number | undefined;
  let attempts = 0;
  return async (prev, method, payload, signal) => {
    if (method !== "getUpdates" && method !== "getMe") return prev(method, payload, signal);
    for (;;) {
      let failure: string;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || (res.error_code ?? 0) < 500) {
          if (downSince !== undefined) {
            log.info("Telegram Bot API reachable again", { downSeconds: Math.round((Date.now() - downSince) / 1000), attempts });
            downSince = undefined;
            attempts = 0;
          }
          return res;
        }
        failure = `HTTP ${res.error_code}: ${res.description}`;
      } catch (err) {
        if (signal?.aborted) throw err;
        failure = err instanceof Error ? err.message : String(err);
      }
      downSince ??= Date.now();
      attempts++;
      const wait = Math.min(max, first * 2 ** Math.min(attempts - 1, 16));
      log.warn("cannot reach the Telegram Bot API; retrying", { method, attempt: attempts, retryInSeconds: wait / 1000, error: failure });
      await sleep(wait, signal);
    }
  };
}

// Keeps the bot visible when Telegram is not: a call that fails for want of a connection (or with a server
// error) is retried with back-off (1 s doubling to 60 s), each failure logged with the method, the attempt and
// the wait, and the return of the connection is logged with how long it was gone. Polling (getMe, getUpdates)
// retries until the API is back; a reply gives up after a few attempts and the failure reaches bot.catch.
import type { Transformer } from "grammy";
import type { Logger } from "../log.js";

export interface WatchOptions {
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts for calls other than polling before the error is passed on (default 5). */
  sendAttempts?: number;
}

const POLLING = new Set(["getMe", "getUpdates"]);

/** The signal grammY passes (its own AbortSignal type): only `aborted` and the abort event are used. */
interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
}

function sleep(ms: number, signal?: AbortLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new Error("aborted"));
      },
      { once: true },
    );
  });
}

/** An API transformer that waits out an unreachable Bot API: polling until it is back, other calls a few times. */
export function watchConnection(log: Logger, options: WatchOptions = {}): Transformer {
  const first = options.firstDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 60_000;
  const sendAttempts = options.sendAttempts ?? 5;
  let downSince: number | undefined;
  let attempts = 0;
  return async (prev, method, payload, signal) => {
    const polling = POLLING.has(method);
    for (let own = 1; ; own++) {
      let failure: string;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || (res.error_code ?? 0) < 500) {
          if (downSince !== undefined) {
            log.info("Telegram Bot API reachable again", {
              downSeconds: Math.round((Date.now() - downSince) / 1000),
              attempts,
            });
            downSince = undefined;
            attempts = 0;
          }
          return res;
        }
        if (!polling && own >= sendAttempts) return res;
        failure = `HTTP ${res.error_code}: ${res.description}`;
      } catch (err) {
        if (signal?.aborted || (!polling && own >= sendAttempts)) throw err;
        failure = err instanceof Error ? err.message : String(err);
      }
      downSince ??= Date.now();
      attempts++;
      const wait = Math.min(max, first * 2 ** Math.min(attempts - 1, 16));
      log.warn("cannot reach the Telegram Bot API; retrying", {
        method,
        attempt: attempts,
        retryInSeconds: wait / 1000,
        error: failure,
      });
      await sleep(wait, signal);
    }
  };
}

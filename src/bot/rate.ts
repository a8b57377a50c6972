// Per-user rate limits as token buckets: a user may ask `limit` questions at once, and gets one more every
// windowMs / limit after that. A fixed window let twice the limit through in a burst across a window's edge; a
// bucket never lets more than `limit` through in any stretch of time shorter than the window. Buttons have a
// bucket of their own, so a stream of presses cannot flood a chat or the bot's shared send budget.
import type { Context, MiddlewareFn } from "grammy";
import type { StateStore } from "../state/store.js";

export interface RateOptions {
  /** Presses or questions allowed at once (the bucket's size). */
  limit: number;
  /** How long the bucket takes to refill from empty. */
  windowMs: number;
}

/** Users whose buckets are kept; the oldest are dropped beyond this (a full bucket is the same as none). */
const MAX_USERS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly options: RateOptions) {}

  /** Takes `cost` tokens from the key's bucket if it has them; false (and nothing taken) when it has not. */
  take(key: string, cost = 1, now = Date.now()): boolean {
    const { limit, windowMs } = this.options;
    const held = this.buckets.get(key);
    const refilled = held ? Math.min(limit, held.tokens + ((now - held.at) * limit) / windowMs) : limit;
    this.buckets.delete(key);
    if (refilled < cost) {
      this.buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: refilled - cost, at: now });
    if (this.buckets.size > MAX_USERS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return true;
  }
}

/** Characters of a question that cost one more token: the answerer's work grows with a question's parts. */
const CHARS_PER_TOKEN = 200;

/**
 * What a message costs: one token, one more per 200 characters (a 500-character question costs 3, so a user
 * sending the longest questions gets a third as many through as one asking ordinary ones).
 */
export function messageCost(text: string | undefined): number {
  return 1 + Math.floor((text?.length ?? 0) / CHARS_PER_TOKEN);
}

/**
 * Middleware that lets an update through when its user's bucket (named `bucket` in the state store, so that
 * every replica counts against one bucket) holds its cost; `key` returns undefined for users who are not limited
 * (admins). A cost above the bucket's size is charged as the whole bucket.
 */
export function rateLimit<C extends Context>(
  state: StateStore,
  bucket: string,
  options: RateOptions,
  key: (ctx: C) => string | undefined,
  onLimited: (ctx: C) => Promise<unknown>,
  cost: (ctx: C) => number = () => 1,
): MiddlewareFn<C> {
  return async (ctx, next) => {
    const k = key(ctx);
    if (k === undefined || (await state.take(bucket, k, Math.min(cost(ctx), options.limit), options))) return next();
    await onLimited(ctx);
  };
}

// The bot's state behind one interface: answers behind buttons and their votes, each chat's last turn (for
// follow-ups), rate-limit buckets and which updates were handled. In memory by default (one process); in
// PostgreSQL with DATABASE_URL (postgres.ts), so that several replicas behind a load balancer share it: a
// button pressed on another replica finds its answer, a redelivered update is handled once, a user's rate limit
// counts every replica's messages. Every write is one atomic statement (no read-modify-write across replicas).
import { randomBytes } from "node:crypto";
import type { AnswerResult } from "../answer/types.js";
import { ChatMemory, type Turn } from "../chat/follow-up.js";
import { TokenBuckets, type RateOptions } from "../bot/rate.js";

export interface StoredAnswer {
  result: AnswerResult;
  chatId: number;
}

export type Vote = "up" | "down";
export type { RateOptions };

/**
 * An admin's action waiting for the confirmation button (/remove, an upload over an existing file): with the
 * upload's bytes, so that the button may be pressed on any replica.
 */
export interface PendingAction {
  kind: "overwrite" | "remove";
  name: string;
  /** The checked upload waiting to overwrite `name`. */
  bytes?: Uint8Array;
  userId: number;
  chatId: number;
}

/** A confirmation button lives this long. */
export const PENDING_MS = 60 * 60_000;

/** An update this process handles; finished (handled, whatever the outcome) or not, when the process dies. */
export interface UpdateClaim {
  finish(): Promise<void>;
}

export interface StateStore {
  readonly kind: "memory" | "postgres";
  /** Keeps an answer for its buttons; returns its id (random, 72 bits: not guessable, never reused). */
  putAnswer(answer: StoredAnswer): Promise<string>;
  /** The answer with this id if it was given in this chat; undefined when unknown, expired or another chat's. */
  getAnswer(id: string, chatId: number | undefined): Promise<StoredAnswer | undefined>;
  /** Sets a user's vote on an answer; false when it was that vote already (nothing changed). */
  setVote(id: string, userId: number, vote: Vote): Promise<boolean>;
  /** Takes back a vote whose recording failed. */
  clearVote(id: string, userId: number): Promise<void>;
  /** Takes `cost` tokens from a bucket if it holds them; false (and nothing taken) when it does not. */
  take(bucket: string, key: string, cost: number, options: RateOptions): Promise<boolean>;
  lastTurn(chatId: number): Promise<Turn | undefined>;
  remember(chatId: number, question: string): Promise<void>;
  /**
   * Claims an update for handling: undefined when it was handled already or is being handled by a live process
   * (a redelivered update is answered once); a claim whose process dies is free again for a redelivery.
   */
  claimUpdate(updateId: number): Promise<UpdateClaim | undefined>;
  /** Keeps an admin's action until its button is pressed (PENDING_MS at most); returns its id. */
  putPending(action: PendingAction): Promise<string>;
  /**
   * Takes the action back when its admin presses its button in its chat: removed then, so a second press finds
   * nothing; undefined (and left in place) for another user or chat, undefined when unknown or expired.
   */
  takePending(id: string, userId: number | undefined, chatId: number | undefined): Promise<PendingAction | undefined>;
  close(): Promise<void>;
}

/** A new answer id: 9 random bytes, 12 characters of base64url (callback data is limited to 64 bytes). */
export function answerId(): string {
  return randomBytes(9).toString("base64url");
}

/**
 * What the buttons of an answer need of it: every passage's source, id and score (👍/👎 records them), but the
 * text only of the passages a 原文 button shows (the cited ones, or a refusal's first three leads). An answer's
 * ten passages are most of its size; 5,000 answers kept whole took about 55 MiB (npm run bench, stage stores).
 */
export function forButtons(result: AnswerResult): AnswerResult {
  const shown = new Set(
    result.answered ? result.citations.map((c) => c.chunkId) : result.passages.slice(0, 3).map((p) => p.chunkId),
  );
  return { ...result, passages: result.passages.map((p) => (shown.has(p.chunkId) ? p : { ...p, text: "" })) };
}

/** The bounds of the in-memory store: answers, handled updates and pending actions kept (the oldest go first). */
export const ANSWER_CAPACITY = 5000;
const MAX_UPDATES = 10_000;
const MAX_PENDING = 100;
/** Uploads waiting for an overwrite confirmation are held in memory up to this many bytes (the oldest go first). */
const MAX_PENDING_BYTES = 100 * 2 ** 20;

/** A Map used as a bounded LRU: a key set again moves to the end, the first goes beyond the capacity. */
function setBounded<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > capacity) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** One process's state (the default). */
export class MemoryState implements StateStore {
  readonly kind = "memory" as const;
  private readonly answers = new Map<string, StoredAnswer & { votes: Map<number, Vote> }>();
  private readonly turns = new ChatMemory();
  private readonly buckets = new Map<string, TokenBuckets>();
  private readonly updates = new Map<number, "busy" | "done">();
  private readonly pending = new Map<string, PendingAction & { expires: number }>();

  constructor(private readonly capacity = ANSWER_CAPACITY) {}

  putAnswer(answer: StoredAnswer): Promise<string> {
    const id = answerId();
    const kept = { ...answer, result: forButtons(answer.result), votes: new Map<number, Vote>() };
    setBounded(this.answers, id, kept, this.capacity);
    return Promise.resolve(id);
  }

  getAnswer(id: string, chatId: number | undefined): Promise<StoredAnswer | undefined> {
    const stored = this.answers.get(id);
    return Promise.resolve(stored && stored.chatId === chatId ? { result: stored.result, chatId } : undefined);
  }

  setVote(id: string, userId: number, vote: Vote): Promise<boolean> {
    const votes = this.answers.get(id)?.votes;
    if (!votes || votes.get(userId) === vote) return Promise.resolve(false);
    votes.set(userId, vote);
    return Promise.resolve(true);
  }

  clearVote(id: string, userId: number): Promise<void> {
    this.answers.get(id)?.votes.delete(userId);
    return Promise.resolve();
  }

  take(bucket: string, key: string, cost: number, options: RateOptions): Promise<boolean> {
    let buckets = this.buckets.get(bucket);
    if (!buckets) this.buckets.set(bucket, (buckets = new TokenBuckets(options)));
    return Promise.resolve(buckets.take(key, cost));
  }

  lastTurn(chatId: number): Promise<Turn | undefined> {
    return Promise.resolve(this.turns.get(chatId));
  }

  remember(chatId: number, question: string): Promise<void> {
    this.turns.remember(chatId, question);
    return Promise.resolve();
  }

  claimUpdate(updateId: number): Promise<UpdateClaim | undefined> {
    if (this.updates.has(updateId)) return Promise.resolve(undefined);
    setBounded(this.updates, updateId, "busy", MAX_UPDATES);
    return Promise.resolve({
      finish: () => {
        if (this.updates.has(updateId)) this.updates.set(updateId, "done");
        return Promise.resolve();
      },
    });
  }

  putPending(action: PendingAction, now = Date.now()): Promise<string> {
    for (const [id, a] of this.pending) if (a.expires < now) this.pending.delete(id);
    const id = answerId();
    setBounded(this.pending, id, { ...action, expires: now + PENDING_MS }, MAX_PENDING);
    let bytes = 0;
    for (const a of this.pending.values()) bytes += a.bytes?.length ?? 0;
    for (const [oldest, a] of this.pending) {
      if (bytes <= MAX_PENDING_BYTES || oldest === id) break;
      bytes -= a.bytes?.length ?? 0;
      this.pending.delete(oldest);
    }
    return Promise.resolve(id);
  }

  takePending(id: string, userId: number | undefined, chatId: number | undefined): Promise<PendingAction | undefined> {
    const found = this.pending.get(id);
    if (!found || found.userId !== userId || found.chatId !== chatId) return Promise.resolve(undefined);
    this.pending.delete(id);
    if (found.expires < Date.now()) return Promise.resolve(undefined);
    return Promise.resolve({
      kind: found.kind,
      name: found.name,
      ...(found.bytes ? { bytes: found.bytes } : {}),
      userId: found.userId,
      chatId: found.chatId,
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

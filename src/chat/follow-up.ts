// Follow-up questions in a chat: 那广东呢？ 其中医疗方面投入了多少？ 它对口支援哪个县？ lean on the previous
// turn. Such a question is rewritten into a standalone one with the previous turn's entities; a question
// with entities of its own and no follow-up marker starts afresh.
import { extractEntities, type Entity } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";

export interface Turn {
  /** The standalone question that was answered. */
  question: string;
  entities: Entity[];
  at: number;
}

/** A turn older than this no longer counts as context. */
export const TURN_TTL_MS = 30 * 60 * 1000;

const LEADING_MARKER =
  /^(那么?|那在|那对于|还有|其中|其|它的?|他们的?|她们的?|该|此|这个|这些|那个|那些|同时|另外|再问一下|再问)/;
const SWAP = /^(那么?|那对于|换成|如果是)?(.{1,12}?)(呢|又如何|怎么样|的情况呢|的呢)[？?]?$/;
const CONTEXT_KINDS = new Set<Entity["kind"]>(["place", "batch", "org", "year"]);

/** Whether the question reads as leaning on the previous turn. */
export function isFollowUp(question: string): boolean {
  const q = normalizeForMatch(question.trim());
  return LEADING_MARKER.test(q) || SWAP.test(q) || /它|其中|该县|该市|该项目|他们|这项|上述/.test(q);
}

/** The standalone form of a question, given the chat's previous turn (if recent). */
export function resolveFollowUp(question: string, previous: Turn | undefined, now = Date.now()): string {
  if (!previous || now - previous.at > TURN_TTL_MS || !isFollowUp(question)) return question;
  const q = question.trim();
  const own = extractEntities(q);

  // 那广东呢？ — the previous question with its place swapped for the new one.
  const swap = SWAP.exec(normalizeForMatch(q));
  const newPlace = own.find((e) => e.kind === "place" || e.kind === "org" || e.kind === "batch" || e.kind === "year");
  if (swap && newPlace) {
    const sameKind = previous.entities.filter(
      (e) => e.kind === newPlace.kind || (newPlace.kind === "place" && e.kind === "org"),
    );
    if (sameKind.length > 0) {
      let rewritten = previous.question;
      const [first, ...rest] = sameKind;
      // Sub-places of the old place (日喀则 for 山东) would contradict the new one: they go.
      for (const e of rest) if (e.kind === "place") rewritten = rewritten.split(e.text).join("");
      if (first) rewritten = rewritten.split(first.text).join(newPlace.text);
      return rewritten;
    }
    // 那2019年呢？ 第九批呢？ after a question that named none: the same question narrowed to it.
    if (newPlace.kind === "year" || newPlace.kind === "batch") return `${newPlace.text}${previous.question}`;
  }

  // 其中医疗方面投入了多少？ 它对口支援哪个县？ — the previous turn's entities give the subject.
  const missing = previous.entities
    .filter((e) => CONTEXT_KINDS.has(e.kind) && !own.some((o) => o.kind === e.kind))
    .sort((a, b) => previous.question.indexOf(a.text) - previous.question.indexOf(b.text));
  if (missing.length === 0) return question;
  const stripped = q.replace(LEADING_MARKER, "");
  return `${missing.map((e) => e.text).join("")}${stripped}`;
}

/** Remembers the last turn of each chat (bounded, oldest dropped first). */
export class ChatMemory {
  private readonly turns = new Map<number, Turn>();
  constructor(private readonly maxChats = 10_000) {}

  get(chatId: number): Turn | undefined {
    return this.turns.get(chatId);
  }

  remember(chatId: number, question: string, now = Date.now()): void {
    this.turns.delete(chatId);
    this.turns.set(chatId, { question, entities: extractEntities(question), at: now });
    if (this.turns.size > this.maxChats) {
      const oldest = this.turns.keys().next().value;
      if (oldest !== undefined) this.turns.delete(oldest);
    }
  }
}

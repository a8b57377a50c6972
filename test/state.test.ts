// The bot's state stores (issue 33, point 3): the same behaviour in memory and in PostgreSQL, and what only the
// shared store must do across replicas: one rate-limit bucket however many processes take from it, no vote
// lost to concurrent writes, an update claimed by a process that dies is free for the redelivery, a database
// written by a later schema refused.
import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgState } from "../src/state/postgres.js";
import { SCHEMA_VERSION, SchemaError } from "../src/state/schema.js";
import { MemoryState, type StateStore } from "../src/state/store.js";
import { FileRecords, type Records } from "../src/state/records.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnswerResult } from "../src/answer/types.js";
import { TEST_DATABASE_URL, freshDatabase } from "./pg.js";

function result(question: string): AnswerResult {
  return {
    question,
    answered: true,
    answer: "淄博市第九批援藏工作组对口支援昂仁县。[1]",
    citations: [{ n: 1, source: "a.txt", title: "甲", chunkId: "a#0", quote: "对口支援昂仁县" }],
    passages: [
      { source: "a.txt", chunkId: "a#0", score: 1, text: "淄博市第九批援藏工作组对口支援昂仁县。" },
      { source: "b.txt", chunkId: "b#0", score: 0.5, text: "别的段落。" },
    ],
  } as unknown as AnswerResult;
}

function behaves(name: string, make: () => Promise<StateStore>): void {
  describe(`${name} state`, () => {
    let state: StateStore;
    beforeAll(async () => {
      state = await make();
    });
    afterAll(async () => {
      await state.close();
    });

    it("gives an answer back only to its chat, with the text only of what its buttons show", async () => {
      const chat = 1_000 + Math.floor(Math.random() * 1e6);
      const id = await state.putAnswer({ result: result("谁？"), chatId: chat });
      const other = await state.putAnswer({ result: result("谁？"), chatId: chat });
      expect(id).toMatch(/^[\w-]{12}$/);
      expect(other).not.toBe(id);
      const back = await state.getAnswer(id, chat);
      expect(back?.result.answer).toContain("昂仁县");
      expect(back?.result.passages.map((p) => p.text)).toEqual(["淄博市第九批援藏工作组对口支援昂仁县。", ""]);
      expect(await state.getAnswer(id, chat + 1)).toBeUndefined();
      expect(await state.getAnswer("nonexistent0", chat)).toBeUndefined();
    });

    it("keeps one vote per user and answer", async () => {
      const id = await state.putAnswer({ result: result("谁？"), chatId: 7 });
      expect(await state.setVote(id, 70, "up")).toBe(true);
      expect(await state.setVote(id, 70, "up")).toBe(false);
      expect(await state.setVote(id, 70, "down")).toBe(true);
      expect(await state.setVote(id, 71, "down")).toBe(true);
      await state.clearVote(id, 70);
      expect(await state.setVote(id, 70, "down")).toBe(true);
    });

    it("limits with a token bucket per user", async () => {
      const user = `u${Math.random()}`;
      const options = { limit: 3, windowMs: 60_000 };
      const taken = [];
      for (let i = 0; i < 5; i++) taken.push(await state.take("messages", user, 1, options));
      expect(taken).toEqual([true, true, true, false, false]);
      expect(await state.take("buttons", user, 1, options)).toBe(true);
      expect(await state.take("messages", `${user}-other`, 3, options)).toBe(true);
    });

    it("remembers each chat's last turn", async () => {
      const chat = 2_000 + Math.floor(Math.random() * 1e6);
      expect(await state.lastTurn(chat)).toBeUndefined();
      await state.remember(chat, "淄博市第九批援藏工作组有几名援藏党员干部？");
      await state.remember(chat, "广东省第十批援藏工作队有多少名干部人才？");
      const turn = await state.lastTurn(chat);
      expect(turn?.question).toBe("广东省第十批援藏工作队有多少名干部人才？");
      expect(turn?.entities.map((e) => e.text)).toContain("广东省");
      expect(Date.now() - (turn?.at ?? 0)).toBeLessThan(60_000);
    });

    it("keeps an admin's pending action, with its upload, for that admin in that chat, once", async () => {
      const bytes = new TextEncoder().encode("覆盖用的新文件内容");
      const id = await state.putPending({ kind: "overwrite", name: "a.txt", bytes, userId: 9001, chatId: 9001 });
      expect(id).toMatch(/^[\w-]{12}$/);
      expect(await state.takePending(id, 9002, 9001)).toBeUndefined();
      expect(await state.takePending(id, 9001, 4242)).toBeUndefined();
      const taken = await state.takePending(id, 9001, 9001);
      expect(taken).toMatchObject({ kind: "overwrite", name: "a.txt", userId: 9001, chatId: 9001 });
      expect(new TextDecoder().decode(taken?.bytes)).toBe("覆盖用的新文件内容");
      expect(await state.takePending(id, 9001, 9001)).toBeUndefined();
      const remove = await state.putPending({ kind: "remove", name: "b.txt", userId: 9001, chatId: 9001 });
      expect(await state.takePending(remove, 9001, 9001)).toEqual({
        kind: "remove",
        name: "b.txt",
        userId: 9001,
        chatId: 9001,
      });
    });

    it("lets an update be handled once", async () => {
      const update = Math.floor(Math.random() * 2 ** 31);
      const claim = await state.claimUpdate(update);
      expect(claim).toBeDefined();
      expect(await state.claimUpdate(update)).toBeUndefined();
      await claim?.finish();
      expect(await state.claimUpdate(update)).toBeUndefined();
      expect(await state.claimUpdate(update + 1)).toBeDefined();
    });
  });
}

behaves("memory", () => Promise.resolve(new MemoryState()));

/** What /stats reads of the records, the same from files and memory as from PostgreSQL. */
function recordsBehave(name: string, make: () => Promise<{ records: Records; done: () => Promise<void> }>): void {
  describe(`${name} records`, () => {
    let made: { records: Records; done: () => Promise<void> };
    beforeAll(async () => {
      made = await make();
    });
    afterAll(async () => {
      await made.done();
    });

    it("count the questions of the day and the week, their median time and the most frequent refusals", async () => {
      const r = made.records;
      const now = Date.now();
      await r.addAsk({ at: now - 3 * 86_400_000, question: "旧的问题？", answered: true, ms: 90 });
      await r.addAsk({ at: now - 1000, question: "昂仁县在哪里？", answered: true, ms: 10 });
      await r.addAsk({ at: now - 900, question: "江苏在拉萨 投资了多少？", answered: false, ms: 20 });
      await r.addAsk({ at: now - 800, question: "江苏在拉萨投资了多少", answered: false, ms: 30 });
      await r.addAsk({ at: now - 700, question: "别的问题？", answered: false, ms: 40 });
      const f = await r.questionFigures(now, true);
      expect(f.day).toEqual({ asked: 4, answered: 1, refused: 3 });
      expect(f.week).toEqual({ asked: 5, answered: 2, refused: 3 });
      expect(f.medianAnswerMs).toBe(30);
      expect(f.topRefused[0]).toEqual({ question: "江苏在拉萨投资了多少", count: 2 });
      expect(f.topRefused).toHaveLength(2);
    });

    it("show each user's latest 👎 on an answer, newest first, and not a 👎 taken back", async () => {
      const r = made.records;
      const vote = (answerId: string, userId: number, v: "up" | "down", question: string, at: string) =>
        r.addFeedback({
          at,
          answerId,
          chatId: userId,
          userId,
          vote: v,
          question,
          answered: true,
          answer: "答",
          citations: [],
          passages: [],
        });
      await vote("a1", 1, "down", "第一个问题", "2026-12-01T00:00:00.000Z");
      await vote("a2", 2, "down", "第二个问题", "2026-12-01T00:00:01.000Z");
      await vote("a1", 1, "up", "第一个问题", "2026-12-01T00:00:02.000Z");
      await vote("a3", 3, "down", "第三个问题", "2026-12-01T00:00:03.000Z");
      const down = await r.downVotes(5);
      expect(down.map((d) => d.question)).toEqual(["第三个问题", "第二个问题"]);
      expect(down[0]?.at).toBe("2026-12-01T00:00:03.000Z");
    });
  });
}

recordsBehave("file", () => {
  const dir = mkdtempSync(join(tmpdir(), "duikou-records-"));
  const records = new FileRecords({ feedbackFile: join(dir, "feedback.jsonl"), auditFile: join(dir, "audit.jsonl") });
  return Promise.resolve({ records, done: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) });
});

describe("file records", () => {
  it("write the audit trail as JSON Lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duikou-records-"));
    try {
      const auditFile = join(dir, "audit.jsonl");
      const records = new FileRecords({ feedbackFile: join(dir, "feedback.jsonl"), auditFile });
      await records.addAudit({
        at: "2026-12-01T00:00:00.000Z",
        userId: 5,
        chatId: 5,
        action: "remove",
        outcome: "done",
        target: "a.txt",
      });
      expect(JSON.parse(readFileSync(auditFile, "utf8"))).toMatchObject({ action: "remove", target: "a.txt" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)("PostgreSQL records", () => {
  recordsBehave("PostgreSQL", async () => {
    const db = await freshDatabase();
    const state = await PgState.connect(db.url);
    return { records: state.records(), done: () => state.close().then(db.drop) };
  });

  it("are every replica's: /stats on one counts the questions and shows the 👎 of all; one audit trail", async () => {
    const db = await freshDatabase();
    const replicas = await Promise.all([PgState.connect(db.url), PgState.connect(db.url), PgState.connect(db.url)]);
    try {
      const now = Date.now();
      await Promise.all(
        replicas.map((s, i) =>
          s.records().addAsk({ at: now, question: `问题${i}`, answered: i > 0, ms: 10 * (i + 1) }),
        ),
      );
      await replicas[2]!.records().addFeedback({
        at: new Date(now).toISOString(),
        answerId: "x1",
        chatId: 8,
        userId: 8,
        vote: "down",
        question: "三号副本上的问题",
        answered: true,
        answer: "答",
        citations: [],
        passages: [],
      });
      await replicas[1]!
        .records()
        .addAudit({ at: new Date(now).toISOString(), userId: 9, chatId: 9, action: "reindex", outcome: "requested" });
      for (const s of replicas) {
        const f = await s.records().questionFigures(Date.now(), true);
        expect(f.day).toEqual({ asked: 3, answered: 2, refused: 1 });
        expect(f.medianAnswerMs).toBe(20);
        expect((await s.records().downVotes(5)).map((d) => d.question)).toEqual(["三号副本上的问题"]);
      }
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const audit = await c.query("SELECT action, outcome, user_id::int AS user FROM bot_audit");
      await c.end();
      expect(audit.rows).toEqual([{ action: "reindex", outcome: "requested", user: 9 }]);
      // Nothing grows without a bound: old questions, feedback and audit rows are pruned.
      const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
      await replicas[0]!.records().addAudit({ at: old, userId: 9, chatId: 9, action: "remove", outcome: "done" });
      await replicas[0]!.records().addAsk({ at: Date.now() - 9 * 86_400_000, question: "旧", answered: true, ms: 1 });
      await replicas[0]!.records().prune();
      const c2 = new pg.Client({ connectionString: db.url });
      await c2.connect();
      const left = await c2.query<{ audit: number; asks: number }>(
        "SELECT (SELECT count(*)::int FROM bot_audit) AS audit, (SELECT count(*)::int FROM bot_asks) AS asks",
      );
      await c2.end();
      expect(left.rows[0]).toEqual({ audit: 1, asks: 3 });
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await db.drop();
    }
  });
});

describe("memory state bounds", () => {
  it("holds uploads waiting for confirmation up to 100 MiB, dropping the oldest", async () => {
    const state = new MemoryState();
    const big = (): Uint8Array => new Uint8Array(20 * 2 ** 20);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(await state.putPending({ kind: "overwrite", name: `${i}.txt`, bytes: big(), userId: 1, chatId: 1 }));
    expect(await state.takePending(ids[0]!, 1, 1)).toBeUndefined();
    for (const id of ids.slice(1)) expect((await state.takePending(id, 1, 1))?.bytes?.length).toBe(20 * 2 ** 20);
  });
});

describe.skipIf(!TEST_DATABASE_URL)("PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  behaves("PostgreSQL", () => PgState.connect(db.url));

  it("counts one bucket across replicas taking from it at once, and loses no concurrent vote", async () => {
    const replicas = await Promise.all([PgState.connect(db.url), PgState.connect(db.url), PgState.connect(db.url)]);
    try {
      const options = { limit: 6, windowMs: 600_000 };
      const takes = await Promise.all(
        Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.take("messages", "flooder", 1, options)),
      );
      expect(takes.filter(Boolean)).toHaveLength(6);
      const id = await replicas[0]!.putAnswer({ result: result("谁？"), chatId: 9 });
      const votes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => replicas[i % 3]!.setVote(id, 500 + i, i % 2 ? "up" : "down")),
      );
      expect(votes.every(Boolean)).toBe(true);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const n = await c.query("SELECT count(*)::int AS n FROM bot_votes WHERE answer_id = $1", [id]);
      await c.end();
      expect(n.rows[0].n).toBe(20);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it("holds forty claims at once on one connection, so replicas do not run the server out of connections", async () => {
    const fresh = await freshDatabase();
    const store = await PgState.connect(fresh.url);
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    try {
      const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => store.claimUpdate(7000 + i)));
      expect(claims.every(Boolean)).toBe(true);
      // A redelivery while this process handles the update is refused here too (the session lock is re-entrant).
      expect(await store.claimUpdate(7000)).toBeUndefined();
      const n = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(n.rows[0]!.n).toBeLessThanOrEqual(11);
      await Promise.all(claims.map((claim) => claim?.finish()));
      expect(await store.claimUpdate(7001)).toBeUndefined();
      expect(await store.claimUpdate(7040)).toBeDefined();
    } finally {
      await c.end();
      await store.close();
      await fresh.drop();
    }
  });

  it("lets an admin confirm on another replica, and only one of two presses at once take the action", async () => {
    const [a, b] = await Promise.all([PgState.connect(db.url), PgState.connect(db.url)]);
    try {
      const id = await a.putPending({ kind: "remove", name: "c.txt", userId: 9001, chatId: 9001 });
      const presses = await Promise.all([a.takePending(id, 9001, 9001), b.takePending(id, 9001, 9001)]);
      expect(presses.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("prunes expired answers and chats' turns too old to be a follow-up's context", async () => {
    const store = await PgState.connect(db.url);
    try {
      const old = await store.putAnswer({ result: result("旧问题？"), chatId: 31 });
      const fresh = await store.putAnswer({ result: result("新问题？"), chatId: 31 });
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query("UPDATE bot_answers SET at = now() - interval '31 days' WHERE id = $1", [old]);
      await c.end();
      await store.remember(32, "昂仁县有多少人？", Date.now() - 31 * 60 * 1000);
      await store.remember(33, "萨迦县有多少人？");
      await store.prune();
      expect(await store.getAnswer(old, 31)).toBeUndefined();
      expect(await store.getAnswer(fresh, 31)).toBeDefined();
      expect(await store.lastTurn(32)).toBeUndefined();
      expect((await store.lastTurn(33))?.question).toBe("萨迦县有多少人？");
    } finally {
      await store.close();
    }
  });

  it("frees the claim of a process killed while handling an update, for the redelivery", async () => {
    const update = 424242;
    const script =
      `import { PgState } from "./src/state/postgres.ts";` +
      `const s = await PgState.connect(process.env.DB);` +
      `const c = await s.claimUpdate(${update});` +
      `console.log(c ? "claimed" : "not");` +
      `setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, DB: db.url },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!out.includes("claimed") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain("claimed");
    const other = await PgState.connect(db.url);
    try {
      expect(await other.claimUpdate(update)).toBeUndefined();
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGKILL");
      await exited;
      let claim;
      for (let i = 0; i < 50 && !claim; i++) {
        claim = await other.claimUpdate(update);
        if (!claim) await new Promise((r) => setTimeout(r, 100));
      }
      expect(claim).toBeDefined();
      await claim?.finish();
      expect(await other.claimUpdate(update)).toBeUndefined();
    } finally {
      await other.close();
    }
  }, 60_000);

  it("refuses a database whose schema a later version wrote", async () => {
    const later = await freshDatabase();
    try {
      const c = new pg.Client({ connectionString: later.url });
      await c.connect();
      await c.query("CREATE TABLE duikou_schema (name text PRIMARY KEY, version integer NOT NULL)");
      await c.query("INSERT INTO duikou_schema VALUES ('duikou', $1)", [SCHEMA_VERSION + 1]);
      await c.end();
      await expect(PgState.connect(later.url)).rejects.toThrow(SchemaError);
    } finally {
      await later.drop();
    }
  });
});

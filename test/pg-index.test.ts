// The index in PostgreSQL (issue 33, points 1 and 2): `ingest` with DATABASE_URL publishes a generation that another
// process, starting with an empty INDEX_DIR, serves with the same answers; one build at a time across replicas;
// a failed build publishes nothing; a published generation reaches a running process without a restart.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp, createApp, ingest } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import type { Config } from "../src/config.js";
import { createLogger } from "../src/log.js";
import pg from "pg";
import {
  liveInDatabase,
  searchInDatabase,
  sharedBuild,
  SharedBuildBusyError,
  withSharedBuild,
} from "../src/search/pg-index.js";
import { PgSearch } from "../src/search/pg-search.js";
import { inProcessSearch } from "../src/search/search-backend.js";
import { tokenize } from "../src/text/tokenize.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";
import { TEST_DATABASE_URL, freshDatabase } from "./pg.js";

describe.skipIf(!TEST_DATABASE_URL)("the index in PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: TempCorpus;
  let b: TempCorpus;
  let configA: Config;
  let configB: Config;

  beforeAll(async () => {
    db = await freshDatabase();
    a = tempCorpus();
    b = tempCorpus({ copySeeds: false });
    configA = { ...a.config, databaseUrl: db.url };
    // Replica B: the same (shared) docs folder, an index folder of its own, empty.
    configB = { ...b.config, docsDir: a.config.docsDir, databaseUrl: db.url };
    await ingest(configA, testEmbeddings());
  }, 180_000);

  afterAll(async () => {
    await db?.drop();
    a?.cleanup();
    b?.cleanup();
  });

  it("serves the published generation from a process with an empty index folder, with the same answers", async () => {
    const live = await liveInDatabase(db.url);
    expect(live).toMatch(/^gen-/);
    const appA = await createApp(configA, { embeddings: testEmbeddings() });
    const appB = await createApp(configB, { embeddings: testEmbeddings() });
    expect(appB.index.manifest.chunkCount).toBe(appA.index.manifest.chunkCount);
    for (const q of [
      "淄博市第九批援藏工作组对口支援哪个县？",
      "定西市马铃薯平均亩产由多少斤跃升到多少斤？",
      "广东省第十批援藏工作队有多少名干部人才？",
      "火星上有多少个援建项目？",
    ]) {
      const [x, y] = [await answer(appA, q), await answer(appB, q)];
      expect(JSON.stringify(y)).toBe(JSON.stringify(x));
    }
  }, 120_000);

  it("searches in SQL with the scores of the search in process, and answers as the embedded store", async () => {
    const inSql = await createApp(configB, { embeddings: testEmbeddings() });
    expect(inSql.retriever.search).toBeInstanceOf(PgSearch);
    // The same generation, searched in this process (no DATABASE_URL).
    const inProcess = await createApp({ ...configB, databaseUrl: undefined }, { embeddings: testEmbeddings() });
    const local = inProcessSearch(inProcess.index);
    for (const q of ["淄博市第九批援藏工作组对口支援哪个县？", "定西市马铃薯平均亩产", "广东省援藏干部人才"]) {
      const tokens = tokenize(q);
      const [sqlHits, localHits] = [await inSql.retriever.search.lexical(tokens, 20), await local.lexical(tokens, 20)];
      expect([...sqlHits.keys()].sort()).toEqual([...localHits.keys()].sort());
      for (const [id, score] of localHits) expect(sqlHits.get(id)).toBeCloseTo(score, 6);
      const vector = await testEmbeddings().embedQuery(q);
      const [sqlNear, localNear] = [await inSql.retriever.search.dense(vector, 10), await local.dense(vector, 10)];
      expect([...sqlNear.keys()].sort()).toEqual([...localNear.keys()].sort());
      for (const [id, sim] of localNear) expect(sqlNear.get(id)).toBeCloseTo(sim, 4);
      expect(JSON.stringify(await answer(inSql, q))).toBe(JSON.stringify(await answer(inProcess, q)));
    }
  }, 120_000);

  it("writes the search rows of a generation published before search ran in SQL", async () => {
    const live = (await liveInDatabase(db.url)) ?? "";
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query("DELETE FROM index_search WHERE generation = $1", [live]);
      await c.query("DELETE FROM index_postings WHERE generation = $1", [live]);
      await c.query("DELETE FROM index_chunks WHERE generation = $1", [live]);
      expect(await PgSearch.open(db.url, live)).toBeUndefined();
      const search = await searchInDatabase(db.url, live);
      expect(search).toBeInstanceOf(PgSearch);
      const chunks = await c.query<{ n: string }>("SELECT count(*) AS n FROM index_chunks WHERE generation = $1", [
        live,
      ]);
      const app = await createApp(configB, { embeddings: testEmbeddings() });
      expect(Number(chunks.rows[0]?.n)).toBe(app.index.chunks.length);
    } finally {
      await c.end();
    }
  }, 120_000);

  it("runs one build at a time across replicas, and a failed build publishes nothing", async () => {
    const before = await liveInDatabase(db.url);
    let release: () => void = () => undefined;
    const holding = withSharedBuild(db.url, a.config.indexDir, (progress) => {
      progress({ stage: "embed", done: 3, total: 40 });
      return new Promise<{ chunks: number }>((r) => (release = () => r({ chunks: 7 })));
    });
    await new Promise((r) => setTimeout(r, 500));
    await expect(withSharedBuild(db.url, b.config.indexDir, () => Promise.resolve())).rejects.toThrow(
      SharedBuildBusyError,
    );
    // Any replica reads the running build's progress, then its outcome.
    const running = await sharedBuild(db.url);
    expect(running?.running).toBe(true);
    expect(running?.progress).toEqual({ stage: "embed", done: 3, total: 40 });
    release();
    await holding;
    const done = await sharedBuild(db.url);
    expect(done).toMatchObject({ running: false, report: { chunks: 7 }, failed: undefined });
    expect(done?.finished).toBeInstanceOf(Date);
    await expect(
      withSharedBuild(db.url, b.config.indexDir, () => Promise.reject(new Error("killed mid-build"))),
    ).rejects.toThrow("killed mid-build");
    expect(await liveInDatabase(db.url)).toBe(before);
    expect(await sharedBuild(db.url)).toMatchObject({ running: false, report: undefined, failed: "killed mid-build" });
  }, 60_000);

  it("brings a generation published by one replica to another while it runs", async () => {
    const liveB = new LiveApp(await createApp(configB, { embeddings: testEmbeddings() }), "inline");
    const stop = liveB.followDatabase(createLogger(configB, () => undefined));
    try {
      const question = "果洛州援青工作队建设了多少个牧民新村？";
      expect((await answer(liveB.current, question)).answer).not.toContain("12个");
      writeFileSync(
        join(a.config.docsDir, "援青报告.txt"),
        "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
      );
      await ingest(configA, testEmbeddings());
      const deadline = Date.now() + 30_000;
      while (!(await answer(liveB.current, question)).answer.includes("12个") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect((await answer(liveB.current, question)).answer).toContain("12个");
    } finally {
      await stop();
    }
  }, 120_000);
});

// A damaged index never takes the bot down: every data file is checked against the SHA-256 its manifest records
// before anything parses it (a flipped bit in hnsw.bin used to crash the native loader), a cut file or manifest is
// an IndexError, and an app built with buildIfMissing rebuilds from the documents instead of exiting. At start,
// what the docs folder holds that the index lacks is found and indexed, the progress messages a stop left
// unfinished are finished, and orphaned staged uploads are removed.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, createEmbeddings, ingest, LiveApp } from "../src/app.js";
import { catchUp } from "../src/bot/bot.js";
import { PendingProgress, pendingProgressFile } from "../src/bot/pending-progress.js";
import { botMessages, startHarness } from "../src/harness/emulator.js";
import { createLogger } from "../src/log.js";
import { loadConfig, type Config } from "../src/config.js";
import { removeOrphanedUploads } from "../src/bot/admin.js";
import { docsDrift, IndexError, loadIndex } from "../src/search/index-store.js";
import { tempCorpus, type TempCorpus } from "./helpers.js";

describe("a damaged index", () => {
  let corpus: TempCorpus;
  let config: Config;
  const embeddings = createEmbeddings(loadConfig());
  const live = (): string => join(config.indexDir, readlinkSync(join(config.indexDir, "live")));

  beforeAll(async () => {
    corpus = await tempCorpus();
    config = corpus.config;
    await ingest(config, embeddings);
  }, 300_000);
  afterAll(() => corpus.cleanup());

  it("records a checksum for every data file and keeps the generation served before a rebuild", async () => {
    const manifest = JSON.parse(readFileSync(join(live(), "manifest.json"), "utf8"));
    expect(Object.keys(manifest.checksums).sort()).toEqual(
      ["bm25.json", "chunks.json", "figures.json", "hnsw.bin", "sentences.f32", "sentences.json", "vectors.f32"].sort(),
    );
    const first = readlinkSync(join(config.indexDir, "live"));
    appendFileSync(join(config.docsDir, readdirSync(config.docsDir)[0]!), "\n\n新增一段：投资100万元。\n");
    await ingest(config, embeddings);
    const generations = readdirSync(config.indexDir).filter((e) => e.startsWith("gen-"));
    expect(generations).toContain(first);
    expect(generations).toHaveLength(2);
  }, 300_000);

  it("refuses a flipped bit in hnsw.bin before the native loader reads it, and rebuilds on start", async () => {
    const path = join(live(), "hnsw.bin");
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    writeFileSync(path, bytes);
    await expect(loadIndex(config.indexDir, embeddings.modelName)).rejects.toThrow(/hnsw\.bin does not match/);
    const app = await createApp(config, { buildIfMissing: true, embeddings });
    expect(app.index.chunks.length).toBeGreaterThan(0);
    await expect(loadIndex(config.indexDir, embeddings.modelName)).resolves.toBeDefined();
  }, 300_000);

  it("treats a cut chunks.json or manifest as damage, not a crash", async () => {
    truncateSync(join(live(), "chunks.json"), 100);
    await expect(loadIndex(config.indexDir, embeddings.modelName)).rejects.toBeInstanceOf(IndexError);
    await createApp(config, { buildIfMissing: true, embeddings });
    truncateSync(join(live(), "manifest.json"), 50);
    await expect(loadIndex(config.indexDir, embeddings.modelName)).rejects.toBeInstanceOf(IndexError);
    const app = await createApp(config, { buildIfMissing: true, embeddings });
    expect(app.index.chunks.length).toBeGreaterThan(0);
  }, 300_000);

  it("finds what the docs folder holds that the index lacks, so start-up can index it", async () => {
    const index = await loadIndex(config.indexDir, embeddings.modelName);
    expect(await docsDrift(config.docsDir, index.manifest)).toEqual({ added: [], changed: [], removed: [] });
    const [first, second] = readdirSync(config.docsDir).sort();
    writeFileSync(join(config.docsDir, "新报告.txt"), "新报告\n\n青海省果洛州援青工作队投入资金100万元。\n");
    appendFileSync(join(config.docsDir, first!), "\n\n又一段。\n");
    rmSync(join(config.docsDir, second!));
    expect(await docsDrift(config.docsDir, index.manifest)).toEqual({
      added: ["新报告.txt"],
      changed: [first],
      removed: [second],
    });
  });

  it("indexes that drift on start and finishes the progress message a stop left at 正在更新索引", async () => {
    const app = await createApp(config, { embeddings });
    const liveApp = new LiveApp(app);
    const h = await startHarness(config, liveApp);
    try {
      const admin = 9990;
      const sent = await h.bot.api.sendMessage(admin, "已收到“新报告.txt”，正在更新索引…");
      const pending = new PendingProgress(pendingProgressFile(config.auditFile));
      await pending.add({ chatId: admin, messageId: sent.message_id });
      await catchUp(
        config,
        liveApp,
        createLogger(config, () => undefined),
        h.bot.api,
      );
      const finished = botMessages(h.server, admin).find((m) => m.messageId === sent.message_id);
      expect(finished?.text).toContain("重启后已补上");
      expect(finished?.text).toContain("新增 1");
      expect(await pending.list()).toEqual([]);
      expect(Object.keys(liveApp.current.index.manifest.files)).toContain("新报告.txt");
    } finally {
      await h.stop();
    }
  }, 300_000);

  it("removes staged uploads a stop left behind, once no confirmation can still use them", async () => {
    const stale = mkdtempSync(join(tmpdir(), "duikou-upload-"));
    const fresh = mkdtempSync(join(tmpdir(), "duikou-upload-"));
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, hourAgo, hourAgo);
    expect(await removeOrphanedUploads()).toBeGreaterThanOrEqual(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    rmSync(fresh, { recursive: true });
  });
});

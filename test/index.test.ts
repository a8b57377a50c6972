// The persisted index on the real model and seeds: incremental re-indexing (add, change, delete), a build that
// fails or is killed half-way leaving the previous index serving, and refusal of an incompatible index.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, ingest } from "../src/app.js";
import { IndexError, liveGeneration, loadIndex } from "../src/search/index-store.js";
import { Bm25Index } from "../src/search/bm25.js";
import { testEmbeddings, tempCorpus, type TempCorpus } from "./helpers.js";

describe("BM25 search", () => {
  it("gives the k best chunks as a map of every score sorted stably would, ties included", () => {
    // Chunks of a few words each from a small vocabulary, so that many chunks tie.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = ["援藏", "昂仁", "投资", "项目", "学校", "医院", "干部", "资金"];
    const lists = Array.from({ length: 3000 }, () => Array.from({ length: 1 + random(6) }, () => words[random(8)]!));
    const index = Bm25Index.build(lists);
    const data = index.toJSON();
    const avg = data.docLengths.reduce((a, n) => a + n, 0) / data.docLengths.length;
    const reference = (tokens: string[], k: number): { index: number; score: number }[] => {
      const scores = new Map<number, number>();
      for (const term of new Set(tokens)) {
        const list = data.postings[term] ?? [];
        for (let i = 0; i < list.length; i += 2) {
          const doc = list[i]!;
          const tf = list[i + 1]!;
          const norm = tf + data.k1 * (1 - data.b + (data.b * data.docLengths[doc]!) / avg);
          scores.set(doc, (scores.get(doc) ?? 0) + (index.idf(term) * (tf * (data.k1 + 1))) / norm);
        }
      }
      return [...scores.entries()]
        .map(([i, score]) => ({ index: i, score }))
        .sort((x, y) => y.score - x.score)
        .slice(0, k);
    };
    for (const query of [["援藏"], ["昂仁", "投资", "昂仁"], ["学校", "医院", "干部", "不在其中"], []]) {
      for (const k of [1, 10, 50, 5000]) expect(index.search(query, k)).toEqual(reference(query, k));
    }
  });
});

describe("incremental, atomic index", () => {
  let corpus: TempCorpus;
  beforeAll(() => {
    corpus = tempCorpus();
  });
  afterAll(() => corpus.cleanup());

  it("builds all five seeds, then re-embeds only what changed", async () => {
    const embeddings = testEmbeddings();
    const first = await ingest(corpus.config, embeddings);
    expect(first.added).toHaveLength(5);
    const built = await loadIndex(corpus.config.indexDir, embeddings.modelName);
    expect(first.sentencesEmbedded).toBe(built.sentences.keys.length);
    expect(first.sentencesReused).toBe(0);

    const again = await ingest(corpus.config, embeddings);
    expect(again.unchanged).toHaveLength(5);
    expect(again.sentencesEmbedded).toBe(0);
    expect(again.sentencesReused).toBe(built.sentences.keys.length);
    expect(again.chunks).toBe(first.chunks);

    const { docsDir } = corpus.config;
    writeFileSync(
      join(docsDir, "new.md"),
      "# 测试援青报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
    );
    appendFileSync(join(docsDir, "002_2a4bfa5699e19441.txt"), "\n\n工作组另外投资777万元建设昂仁县测试中心。\n");
    rmSync(join(docsDir, "004_d619441e4e52d61d.txt"));
    const update = await ingest(corpus.config, embeddings);
    expect(update.added).toEqual(["new.md"]);
    expect(update.changed).toEqual(["002_2a4bfa5699e19441.txt"]);
    expect(update.removed).toEqual(["004_d619441e4e52d61d.txt"]);
    expect(update.unchanged).toHaveLength(3);
    const index = await loadIndex(corpus.config.indexDir, embeddings.modelName);
    const newChunks = index.chunks.filter((c) => c.metadata.source === "new.md").length;
    const changedFileChunks = index.chunks.filter((c) => c.metadata.source === "002_2a4bfa5699e19441.txt").length;
    // Only the texts the previous generation lacks are embedded: new.md's sentence and title, the appended line.
    const unseen = index.sentences.keys.filter((k) => !built.sentences.row.has(k));
    expect(update.sentencesEmbedded).toBe(unseen.length);
    expect(unseen.sort()).toEqual(
      [
        "测试援青报告",
        "青海省果洛州援青工作队今年投入资金8888万元,建设牧民新村12个。",
        "工作组另外投资777万元建设昂仁县测试中心。",
      ].sort(),
    );
    expect(newChunks).toBeGreaterThan(0);
    expect(changedFileChunks).toBeGreaterThan(0);
    expect(index.chunks.some((c) => c.metadata.source === "004_d619441e4e52d61d.txt")).toBe(false);
    expect(
      index.chunks
        .filter((c) => c.metadata.source === "002_2a4bfa5699e19441.txt")
        .some((c) => c.pageContent.includes("777万元")),
    ).toBe(true);
    expect(index.manifest.files["new.md"]?.title).toBe("测试援青报告");

    const app = await createApp(corpus.config, { embeddings });
    const hits = await app.retriever.hybridSearch("果洛州援青工作队建设了多少个牧民新村？");
    expect(hits[0]?.chunk.metadata.source).toBe("new.md");
    const gone = await app.retriever.hybridSearch("西藏人均预期寿命提高到了多少岁？");
    expect(gone.every((h) => h.chunk.metadata.source !== "004_d619441e4e52d61d.txt")).toBe(true);
  });

  it("embeds only the changed chunks when a line is appended to a long file", async () => {
    const embeddings = testEmbeddings();
    const { docsDir } = corpus.config;
    const seeds = ["000_9d5d6f751b85c331.txt", "001_c8885849c5590f95.txt", "003_49bb09d571b726a9.txt"].map((f) =>
      readFileSync(join(docsDir, f), "utf8"),
    );
    // A long report: the seeds' text under numbered chapter headings, about 120 KB.
    const chapters = Array.from(
      { length: 12 },
      (_, i) =>
        `第${i + 1}章 工作报告\n\n${(seeds[i % seeds.length] ?? "").replace(/\d{2,}/g, (d) => String(Number(d) + i))}`,
    );
    writeFileSync(join(docsDir, "long-report.txt"), `长篇援藏工作报告\n\n${chapters.join("\n\n")}`);
    await ingest(corpus.config, embeddings);
    const before = (await loadIndex(corpus.config.indexDir, embeddings.modelName)).chunks.filter(
      (c) => c.metadata.source === "long-report.txt",
    );
    expect(before.length).toBeGreaterThan(100);

    appendFileSync(join(docsDir, "long-report.txt"), "\n工作组另外投资4321万元建设萨迦县牦牛育种站。\n");
    const update = await ingest(corpus.config, embeddings);
    expect(update.changed).toEqual(["long-report.txt"]);
    // Only the appended sentence is new to the model; every chunk's vector is computed again from its sentences.
    expect(update.sentencesEmbedded).toBe(1);
    expect(update.sentencesReused).toBeGreaterThan(before.length);
    const app = await createApp(corpus.config, { embeddings });
    const hits = await app.retriever.hybridSearch("萨迦县牦牛育种站投资多少？");
    expect(hits[0]?.text).toContain("4321万元");
    rmSync(join(docsDir, "long-report.txt"));
  });

  it("keeps serving the previous index when a build fails half-way", async () => {
    const embeddings = testEmbeddings();
    await ingest(corpus.config, embeddings);
    const before = await liveGeneration(corpus.config.indexDir);
    writeFileSync(
      join(corpus.config.docsDir, "broken-later.txt"),
      "这是一份新文件，内容足够长，用来触发嵌入计算。".repeat(5),
    );
    const failing = Object.assign(Object.create(Object.getPrototypeOf(embeddings)) as typeof embeddings, embeddings, {
      embedDocuments: async () => {
        throw new Error("simulated crash while embedding");
      },
    });
    await expect(ingest(corpus.config, failing)).rejects.toThrow("simulated crash");
    expect(await liveGeneration(corpus.config.indexDir)).toBe(before);
    const index = await loadIndex(corpus.config.indexDir, embeddings.modelName);
    expect(index.chunks.some((c) => c.metadata.source === "broken-later.txt")).toBe(false);
    rmSync(join(corpus.config.docsDir, "broken-later.txt"));
  });

  it("keeps serving the previous index when the ingest process is killed half-way", async () => {
    const embeddings = testEmbeddings();
    await ingest(corpus.config, embeddings);
    const before = await liveGeneration(corpus.config.indexDir);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/ingest.ts",
        "--docs",
        corpus.config.docsDir,
        "--index",
        corpus.config.indexDir,
        "--full",
      ],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        if (d.toString().includes("embedded 64/")) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((r) => child.on("exit", r));
    expect(await liveGeneration(corpus.config.indexDir)).toBe(before);
    const index = await loadIndex(corpus.config.indexDir, embeddings.modelName);
    expect(index.chunks.length).toBeGreaterThan(0);
    // The next build cleans up what the killed one left behind.
    const report = await ingest(corpus.config, embeddings);
    expect(report.sentencesEmbedded).toBe(0);
  });

  it("refuses an index built with another model, naming the rebuild command", async () => {
    await expect(loadIndex(corpus.config.indexDir, "some/other-model")).rejects.toThrow(IndexError);
    await expect(loadIndex(corpus.config.indexDir, "some/other-model")).rejects.toThrow(/npm run ingest/);
    await expect(loadIndex(join(corpus.root, "nowhere"), "x")).rejects.toThrow(/npm run ingest/);
  });

  it("rebuilds the word index of an index built by another tokenizer when it loads it", async () => {
    const dir = join(corpus.config.indexDir, "live");
    const manifestFile = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, unknown>;
    const words = readFileSync(join(dir, "bm25.json"), "utf8");
    const model = testEmbeddings().modelName;
    const before = await loadIndex(corpus.config.indexDir, model);
    // An older build: no tokenizer version, and (to tell a rebuild from a read) an empty word index.
    // Written as a build would, with the file's checksum (a file that does not match it is refused as damaged).
    delete manifest.tokenizerVersion;
    const empty = JSON.stringify(Bm25Index.build([]).toJSON());
    (manifest.checksums as Record<string, string>)["bm25.json"] = createHash("sha256").update(empty).digest("hex");
    writeFileSync(manifestFile, JSON.stringify(manifest));
    writeFileSync(join(dir, "bm25.json"), empty);
    const loaded = await loadIndex(corpus.config.indexDir, model);
    expect(loaded.bm25.size).toBe(before.bm25.size);
    expect(loaded.bm25.idf("昂仁")).toBeGreaterThan(0);
    expect(loaded.bm25.idf("昂仁")).toBeCloseTo(before.bm25.idf("昂仁"));
    expect(loaded.bm25.idf("援藏")).toBeCloseTo(before.bm25.idf("援藏"));
    writeFileSync(join(dir, "bm25.json"), words);
  });

  it("reports unreadable files and indexes the rest", async () => {
    const { docsDir } = corpus.config;
    writeFileSync(join(docsDir, "scan.pdf"), Buffer.from("%PDF-1.4 this is not really a pdf"));
    writeFileSync(join(docsDir, "empty.txt"), "");
    copyFileSync(join(docsDir, "000_9d5d6f751b85c331.txt"), join(docsDir, "copy.txt"));
    // A table past the per-document limit (6 million characters): skipped by name, the seeds indexed.
    const rows = Array.from({ length: 220_000 }, (_, i) => `| 第${i + 1}项 | 投资${i % 900}万元 | 已完工 |`);
    writeFileSync(join(docsDir, "poison.md"), `| 项目 | 投资 | 进度 |\n|---|---|---|\n${rows.join("\n")}\n`);
    const report = await ingest(corpus.config, testEmbeddings());
    expect(report.failed.map((f) => f.source).sort()).toEqual(["empty.txt", "poison.md", "scan.pdf"]);
    expect(report.failed.find((f) => f.source === "poison.md")?.reason).toMatch(/too large/);
    expect(report.chunks).toBeGreaterThan(50);
    expect(report.added).toContain("copy.txt");
    expect(readFileSync(join(docsDir, "copy.txt"), "utf8").length).toBeGreaterThan(1000);
  });
});

describe("embeddings", () => {
  it("give a sentence one vector whatever it is embedded with (a new document changes no other vector)", async () => {
    const embeddings = testEmbeddings();
    const sentence = "淄博市第九批援藏工作组对口支援西藏自治区日喀则市昂仁县。";
    const [alone] = await embeddings.embedDocuments([sentence]);
    const withOthers = await embeddings.embedDocuments([
      "截至今年7月底，广东省第十批援藏工作队投资完成率分别为99%、95%、85%，合计完成投资145770万元。",
      sentence,
      "好",
    ]);
    expect(withOthers[1]).toEqual(alone);
  });
});

// `npm run eval -- --qa FILE.jsonl | --cmrc FILE.json [--limit N] [--json]`: measures retrieval (hit@1/3/5/10, MRR@10
// of the ranked passages), answer accuracy as ../shared/CONTRACT.md defines it, latency p50/p95 and ingestion speed.
// --qa uses the index (building it from --docs when missing; --docs A,B asks over several folders as one archive);
// --cmrc ingests every passage as a document into a temporary index; --holdout K leaves every K-th passage out,
// --holdout-sentences K leaves out the answering sentences of every K-th passage (near misses to refuse). Tuning
// flags: --chunk-size, --overlap, --fusion, --dense-weight, --boost, --candidates, --rerank (how many first passages
// are re-ordered by their best sentence; 0: the fused order). --qa … --repost asks over the corpus with every text
// document also republished under another name (a news archive's copies), so that a copy's effect on answers and
// refusals is measured.
import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { createApp, createEmbeddings, ingest } from "../app.js";
import { loadConfig, type Config } from "../config.js";
import { DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from "../corpus/chunk.js";
import { copyFolders, prepareCmrc, readQa } from "../eval/datasets.js";
import { evaluate, type EvalItem, type EvalResult, type KindScore } from "../eval/metrics.js";
import type { BuildReport } from "../search/index-store.js";
import type { RetrievalOptions } from "../search/retriever.js";
import { numberFlag, parseArgs, runMain, stringFlag } from "./args.js";

function printHuman(name: string, r: EvalResult, build: BuildReport | undefined, verbose: boolean): void {
  const pct = (x: number): string => x.toFixed(3);
  console.log(`${name}: ${r.questions} questions (${r.answerable} answerable)`);
  console.log(
    `  retrieval  hit@1 ${pct(r.hit[1] ?? 0)}  hit@3 ${pct(r.hit[3] ?? 0)}  hit@5 ${pct(r.hit[5] ?? 0)}  hit@10 ` +
      `${pct(r.hit[10] ?? 0)}  MRR@10 ${pct(r.mrr10)}`,
  );
  console.log(`  retrieval latency p50 ${r.retrievalMs.p50.toFixed(1)} ms  p95 ${r.retrievalMs.p95.toFixed(1)} ms`);
  if (r.answer) {
    console.log(
      `  answers    right ${pct(r.answer.accuracy)} (${r.answer.right}/${r.questions})  refused-when-should ` +
        `${r.answer.refusedRight}/${r.answer.unanswerable}` +
        `  mean answer length ${r.answer.meanLength.toFixed(1)} chars`,
    );
    console.log(`  ask latency p50 ${r.answer.askMs.p50.toFixed(1)} ms  p95 ${r.answer.askMs.p95.toFixed(1)} ms`);
    const kinds = Object.entries(r.answer.byKind);
    if (kinds.length) console.log(`  by kind    ${kinds.map(([k, v]) => `${k} ${v.right}/${v.total}`).join("  ")}`);
    const several = kinds.filter(([, v]) => v.expected);
    if (several.length)
      console.log(
        `  held       ${several.map(([k, v]) => `${k} ${v.found}/${v.expected}`).join("  ")}` +
          "  (expected figures or points found in the answers)",
      );
    for (const w of r.answer.wrong.slice(0, verbose ? Infinity : 30)) {
      const missing = w.missing ? ` [missing: ${w.missing.join(", ")}]` : "";
      console.log(`  wrong ${w.id}${w.kind ? ` (${w.kind})` : ""}: ${w.question} → ${w.answer}${missing}`);
    }
  }
  if (build) {
    console.log(
      `  ingestion  ${build.chunks} chunks, ${(build.chunks / build.seconds).toFixed(1)} chunks/s, ` +
        `${(build.embeddedChars / build.embedSeconds).toFixed(0)} chars/s (embedding), ${build.seconds.toFixed(1)} s ` +
        `in all`,
    );
  }
}

/**
 * --docs A,B: several docs folders asked as one archive (the seeds plus ../shared/news/articles/). Their entries
 * are copied into one folder under the system's temporary folder, named by the folders given, so that an index
 * kept with --index is built from the same folder on every run (and only changed files are embedded again).
 */
async function mergedDocs(list: string): Promise<string> {
  const folders = list
    .split(",")
    .filter(Boolean)
    .map((d) => resolve(d));
  if (folders.length === 1) return folders[0]!;
  const merged = join(
    tmpdir(),
    `eval-docs-${createHash("sha256").update(folders.join("\n")).digest("hex").slice(0, 12)}`,
  );
  await copyFolders(folders, merged);
  return merged;
}

/** The name of a document's republished copy (--repost). */
const repostName = (source: string): string => `repost-${source}`;

/**
 * --repost: the corpus as a news archive holds it, every .txt and .md document twice, once as written and once
 * republished under another name with a header of its own and ASCII punctuation (so that its chunks start
 * elsewhere). A question about a document may cite either copy; a copy must not make the answer less sure.
 */
async function repostCorpus(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  for (const name of await readdir(from)) {
    if (!/\.(?:txt|md)$/i.test(name)) continue;
    const text = await readFile(join(from, name), "utf8");
    const ascii = text.replaceAll("，", ",").replaceAll("“", '"').replaceAll("”", '"');
    await writeFile(
      join(to, repostName(name)),
      `转载自某市融媒体中心客户端，编辑：张三，责任编辑：李四。本文有删节。\n\n${ascii}`,
    );
  }
}

runMain(async () => {
  const args = parseArgs(
    process.argv.slice(2),
    ["json", "no-answer", "verbose", "repost"],
    [
      "qa",
      "cmrc",
      "docs",
      "index",
      "work",
      "limit",
      "holdout",
      "holdout-sentences",
      "chunk-size",
      "overlap",
      "fusion",
      "dense-weight",
      "boost",
      "window",
      "candidates",
      "rerank",
    ],
  );
  const qaFile = stringFlag(args, "qa");
  const cmrcFile = stringFlag(args, "cmrc");
  if (!qaFile && !cmrcFile) throw new Error("give --qa FILE.jsonl and/or --cmrc FILE.json");
  const chunkOptions: ChunkOptions = {
    size: numberFlag(args, "chunk-size") ?? DEFAULT_CHUNK_OPTIONS.size,
    overlap: numberFlag(args, "overlap") ?? DEFAULT_CHUNK_OPTIONS.overlap,
  };
  const retrieval: Partial<RetrievalOptions> = {};
  const fusion = stringFlag(args, "fusion");
  if (fusion) retrieval.fusion = fusion as RetrievalOptions["fusion"];
  const dw = numberFlag(args, "dense-weight");
  if (dw !== undefined) retrieval.denseWeight = dw;
  const boost = numberFlag(args, "boost");
  if (boost !== undefined) retrieval.entityBoost = boost;
  const win = numberFlag(args, "window");
  if (win !== undefined) retrieval.window = win;
  const cand = numberFlag(args, "candidates");
  if (cand !== undefined) retrieval.candidates = cand;
  const rerank = numberFlag(args, "rerank");
  if (rerank !== undefined) retrieval.rerank = rerank;
  const limit = numberFlag(args, "limit");
  const withAnswers = !args.flags.has("no-answer");

  const base = loadConfig();
  const embeddings = createEmbeddings(base);
  await embeddings.load();
  const results: Record<string, unknown> = {};
  const customChunks = args.flags.has("chunk-size") || args.flags.has("overlap");
  // --work DIR keeps the CMRC documents and index there, so later runs with the same chunking skip embedding.
  const keepWork = stringFlag(args, "work");

  const verbose = args.flags.has("verbose");
  const holdout = numberFlag(args, "holdout");
  const holdoutSentences = numberFlag(args, "holdout-sentences");
  if (holdoutSentences !== undefined && (!Number.isInteger(holdoutSentences) || holdoutSentences < 2))
    throw new Error("--holdout-sentences takes a whole number ≥ 2");
  if (holdout !== undefined && (!Number.isInteger(holdout) || holdout < 2))
    throw new Error("--holdout takes a whole number ≥ 2");
  const run = async (
    name: string,
    config: Config,
    items: EvalItem[],
    fresh: boolean,
    heldOut: EvalItem[] = [],
  ): Promise<void> => {
    let build: BuildReport | undefined;
    if (fresh) {
      console.error(`[eval] ${name}: indexing ${config.docsDir} …`);
      build = await ingest(config, embeddings, { chunkOptions, full: !keepWork });
      if (build.sentencesEmbedded === 0) build = undefined;
    }
    const app = await createApp(config, { buildIfMissing: true, retrieval, embeddings });
    console.error(`[eval] ${name}: asking ${items.length} questions …`);
    const r = await evaluate(app, items, { withAnswers });
    const ingestion = build
      ? {
          chunks: build.chunks,
          chunksPerSecond: build.chunks / build.seconds,
          charsPerSecond: build.embeddedChars / build.embedSeconds,
          seconds: build.seconds,
        }
      : undefined;
    let heldOutResult:
      { questions: number; refused: number; refusedShare: number; byKind?: Record<string, KindScore> } | undefined;
    if (heldOut.length > 0 && withAnswers) {
      console.error(`[eval] ${name}: asking ${heldOut.length} questions about held-out passages …`);
      const h = await evaluate(app, heldOut, { withAnswers });
      const refused = h.answer?.refusedRight ?? 0;
      const byKind = h.answer?.byKind;
      heldOutResult = { questions: heldOut.length, refused, refusedShare: refused / heldOut.length, byKind };
    }
    results[name] = { ...r, heldOut: heldOutResult, ingestion, chunkOptions, retrieval: app.retriever.options };
    if (!args.flags.has("json")) {
      printHuman(name, r, build, verbose);
      if (heldOutResult) {
        console.log(
          `  held out   refused ${heldOutResult.refusedShare.toFixed(3)} ` +
            `(${heldOutResult.refused}/${heldOutResult.questions}) of the questions whose answer was left out of the ` +
            `corpus (the passage, or with --holdout-sentences its answering sentences)`,
        );
        for (const [kind, k] of Object.entries(heldOutResult.byKind ?? {}))
          console.log(
            `    ${kind.padEnd(10)} refused ${(k.right / Math.max(k.total, 1)).toFixed(3)} (${k.right}/${k.total})`,
          );
      }
    }
  };

  if (qaFile) {
    const docs = stringFlag(args, "docs");
    const index = stringFlag(args, "index");
    const repost = args.flags.has("repost");
    const temp = customChunks || repost ? await mkdtemp(join(tmpdir(), "eval-qa-")) : undefined;
    let docsDir = docs ? await mergedDocs(docs) : base.docsDir;
    let items = await readQa(qaFile);
    if (repost && temp) {
      await repostCorpus(docsDir, join(temp, "docs"));
      docsDir = join(temp, "docs");
      items = items.map((i) => ({ ...i, sources: i.sources.flatMap((s) => [s, repostName(s)]) }));
    }
    const config = loadConfig(process.env, {
      docsDir,
      indexDir: temp ? join(temp, "index") : index ? resolve(index) : base.indexDir,
    });
    try {
      await run(repost ? "qa-reposted" : "qa", config, items, customChunks || repost);
    } finally {
      if (temp) await rm(temp, { recursive: true, force: true });
    }
  }
  // --cmrc takes one or more CMRC-format files, comma-separated (CMRC 2018, DRCD).
  for (const file of cmrcFile?.split(",").filter(Boolean) ?? []) {
    const name =
      basename(file).replace(/\.json$/, "") +
      (holdout ? `-holdout${holdout}` : "") +
      (holdoutSentences ? `-sentences${holdoutSentences}` : "");
    const work = keepWork ? resolve(keepWork, name) : await mkdtemp(join(tmpdir(), "eval-cmrc-"));
    try {
      const docsDir = join(work, "docs");
      const items = await prepareCmrc(file, docsDir, { holdout, holdoutSentences });
      // --limit N asks the first N questions about kept passages and a third as many about held-out ones.
      const kept = limit ? items.kept.slice(0, limit) : items.kept;
      const heldOut = limit ? items.heldOut.slice(0, Math.ceil(limit / 3)) : items.heldOut;
      await run(name, loadConfig(process.env, { docsDir, indexDir: join(work, "index") }), kept, true, heldOut);
    } finally {
      if (!keepWork) await rm(work, { recursive: true, force: true });
    }
  }
  if (args.flags.has("json")) console.log(JSON.stringify(results));
});

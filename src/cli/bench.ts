// `npm run bench -- [--runs N]`: speed and memory of the pipeline on the seeds, with figures in its output.
// Ingestion (full rebuild into a temporary folder, median of N runs), retrieval and ask latency per question
// over the dev questions after load (median and p95 over all runs), and peak resident memory.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createEmbeddings, ingest } from "../app.js";
import { answerQuestion } from "../answer/answer.js";
import { loadConfig } from "../config.js";
import { percentile } from "../eval/metrics.js";
import { numberFlag, parseArgs, runMain } from "./args.js";

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["json"]);
  const runs = numberFlag(args, "runs") ?? 3;
  const questions = (await readFile("qa/seeds-dev.jsonl", "utf8"))
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question);
  const work = await mkdtemp(join(tmpdir(), "bench-"));
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  try {
    const config = loadConfig(process.env, { indexDir: join(work, "index") });
    const embeddings = createEmbeddings(config);
    const tLoad = performance.now();
    await embeddings.load();
    const modelLoadMs = performance.now() - tLoad;
    const ingestRates: number[] = [];
    const ingestSeconds: number[] = [];
    let chunks = 0;
    for (let r = 0; r < runs; r++) {
      const report = await ingest(config, embeddings, { full: true });
      chunks = report.chunks;
      ingestRates.push(report.embeddedChunks / report.embedSeconds);
      ingestSeconds.push(report.seconds);
    }
    const app = await createApp(config, { embeddings });
    const retrievalMs: number[] = [];
    const askMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      for (const q of questions) {
        const t0 = performance.now();
        await app.retriever.hybridSearch(q);
        retrievalMs.push(performance.now() - t0);
        const t1 = performance.now();
        await answerQuestion(app, q);
        askMs.push(performance.now() - t1);
      }
    }
    clearInterval(sample);
    const result = {
      runs,
      chunks,
      modelLoadMs: Math.round(modelLoadMs),
      ingestChunksPerSecondMedian: Number(percentile(ingestRates, 50).toFixed(1)),
      ingestSecondsMedian: Number(percentile(ingestSeconds, 50).toFixed(2)),
      retrievalMsP50: Number(percentile(retrievalMs, 50).toFixed(2)),
      retrievalMsP95: Number(percentile(retrievalMs, 95).toFixed(2)),
      askMsP50: Number(percentile(askMs, 50).toFixed(2)),
      askMsP95: Number(percentile(askMs, 95).toFixed(2)),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    };
    if (args.flags.has("json")) console.log(JSON.stringify(result));
    else {
      console.log(`bench on seeds/ (${result.chunks} chunks, ${runs} runs, ${questions.length} questions a run)`);
      console.log(`  model load ${result.modelLoadMs} ms`);
      console.log(`  ingestion median ${result.ingestChunksPerSecondMedian} chunks/s, ${result.ingestSecondsMedian} s per full build`);
      console.log(`  retrieval p50 ${result.retrievalMsP50} ms, p95 ${result.retrievalMsP95} ms`);
      console.log(`  ask p50 ${result.askMsP50} ms, p95 ${result.askMsP95} ms`);
      console.log(`  peak RSS ${result.peakRssMiB} MiB`);
    }
  } finally {
    clearInterval(sample);
    await rm(work, { recursive: true, force: true });
  }
});

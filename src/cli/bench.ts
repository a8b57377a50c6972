// `npm run bench -- [--runs N] [--users N] [--questions N] [--json]`: speed and memory, figures in its output.
// 1. The pipeline on the seeds: ingestion (full rebuild into a temporary folder, median of N runs), retrieval
//    and ask latency per dev question after load (median and p95), peak resident memory.
// 2. The bot under load: a Bot API emulator on localhost, N simulated users each asking M dev questions one
//    after another, all users at once; answers per second, latency p50/p95, errors, peak memory.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createEmbeddings, ingest } from "../app.js";
import { answerQuestion } from "../answer/answer.js";
import { loadConfig } from "../config.js";
import { percentile } from "../eval/metrics.js";
import { LiveApp, type App } from "../app.js";
import { countMessages, startHarness, waitForMessage, TOKEN } from "../../test/emulator.js";
import { numberFlag, parseArgs, runMain } from "./args.js";

interface BotLoad {
  users: number;
  questionsPerUser: number;
  answers: number;
  errors: number;
  seconds: number;
  answersPerSecond: number;
  latencyMsP50: number;
  latencyMsP95: number;
}

/** Drives the real bot through the emulator: every user asks its questions in turn, all users at once. */
async function benchBot(app: App, questions: string[], users: number, perUser: number): Promise<BotLoad> {
  const live = new LiveApp(app);
  const h = await startHarness(app.config, live, { rateLimit: { limit: 1000, windowMs: 1000 } });
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        const userId = 10_000 + u;
        const client = h.server.getClient(TOKEN, { userId, chatId: userId, firstName: `user${u}`, userName: `user${u}` });
        for (let i = 0; i < perUser; i++) {
          const question = questions[(u * perUser + i) % questions.length] ?? "";
          const before = countMessages(h.server, userId);
          const sent = performance.now();
          try {
            await client.sendMessage(client.makeMessage(question));
            await waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), { after: before, timeoutMs: 60_000 });
            latencies.push(performance.now() - sent);
          } catch {
            errors++;
          }
        }
      }),
    );
  } finally {
    await h.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  errors += h.logs.filter((l) => l.includes(" ERROR ")).length;
  return {
    users,
    questionsPerUser: perUser,
    answers: latencies.length,
    errors,
    seconds: Number(seconds.toFixed(2)),
    answersPerSecond: Number((latencies.length / seconds).toFixed(1)),
    latencyMsP50: Math.round(percentile(latencies, 50)),
    latencyMsP95: Math.round(percentile(latencies, 95)),
  };
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["json"]);
  const runs = numberFlag(args, "runs") ?? 3;
  const users = numberFlag(args, "users") ?? 50;
  const perUser = numberFlag(args, "questions") ?? 10;
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
    const pipelinePeakRss = peakRss;
    const bot = await benchBot(app, questions, users, perUser);
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
      peakRssMiB: Math.round(pipelinePeakRss / 2 ** 20),
      bot: { ...bot, peakRssMiB: Math.round(peakRss / 2 ** 20) },
    };
    if (args.flags.has("json")) console.log(JSON.stringify(result));
    else {
      console.log(`bench on seeds/ (${result.chunks} chunks, ${runs} runs, ${questions.length} questions a run)`);
      console.log(`  model load ${result.modelLoadMs} ms`);
      console.log(`  ingestion median ${result.ingestChunksPerSecondMedian} chunks/s, ${result.ingestSecondsMedian} s per full build`);
      console.log(`  retrieval p50 ${result.retrievalMsP50} ms, p95 ${result.retrievalMsP95} ms`);
      console.log(`  ask p50 ${result.askMsP50} ms, p95 ${result.askMsP95} ms`);
      console.log(`  peak RSS ${result.peakRssMiB} MiB`);
      const b = result.bot;
      console.log(`bot under load via the Bot API emulator (${b.users} users × ${b.questionsPerUser} questions, all users at once)`);
      console.log(`  ${b.answers} answers in ${b.seconds} s: ${b.answersPerSecond} answers/s`);
      console.log(`  latency p50 ${b.latencyMsP50} ms, p95 ${b.latencyMsP95} ms; errors ${b.errors}; peak RSS ${b.peakRssMiB} MiB`);
    }
  } finally {
    clearInterval(sample);
    await rm(work, { recursive: true, force: true });
  }
});

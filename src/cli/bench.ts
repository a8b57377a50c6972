// `npm run bench -- [--runs N] [--users N] [--questions N] [--json]`: speed and memory, figures in its output.
// 1. The pipeline on the seeds: ingestion (full rebuild into a temporary folder, median of N runs), retrieval
//    and ask latency per dev question after load (median and p95), peak resident memory.
// 2. The bot under load: a Bot API emulator on localhost, N simulated users each asking M dev questions one
//    after another, all users at once; answers per second, latency p50/p95, errors, peak memory.
// 3. The bot while an admin works: rounds of a zip-bomb upload, a new document and /reindex, while 5 users keep
//    asking; their answer latency (p50, p95, max) during the admin work.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createEmbeddings, ingest } from "../app.js";
import { answerQuestion } from "../answer/answer.js";
import { loadConfig } from "../config.js";
import { percentile } from "../eval/metrics.js";
import { LiveApp, type App } from "../app.js";
import { countMessages, startHarness, waitForMessage, TOKEN } from "../../test/emulator.js";
import { zipBombDocx } from "../../test/files.js";
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

interface AdminWorkLoad {
  rounds: number;
  adminSeconds: number;
  answers: number;
  errors: number;
  latencyMsP50: number;
  latencyMsP95: number;
  latencyMsMax: number;
}

/**
 * Rounds of admin work (a zip-bomb upload, a new document, /reindex) through the emulator while 5 users keep
 * asking: how long their answers take meanwhile.
 */
async function benchAdminWork(app: App, questions: string[], rounds: number): Promise<AdminWorkLoad> {
  const ADMIN = 77_000;
  const files = new Map<string, Uint8Array>();
  const live = new LiveApp(app);
  const h = await startHarness({ ...app.config, adminIds: [ADMIN] }, live, { rateLimit: { limit: 1000, windowMs: 1000 } }, files);
  const latencies: number[] = [];
  let errors = 0;
  let busy = true;
  const admin = h.server.getClient(TOKEN, { userId: ADMIN, chatId: ADMIN });
  const upload = async (fileId: string, name: string, bytes: Uint8Array): Promise<void> => {
    files.set(fileId, bytes);
    const msg = admin.makeMessage("") as unknown as Record<string, unknown>;
    delete msg.text;
    msg.document = { file_id: fileId, file_unique_id: fileId, file_name: name, file_size: bytes.length };
    await admin.sendMessage(msg as never);
  };
  const seed = await readFile(join(app.config.docsDir, "001_c8885849c5590f95.txt"), "utf8");
  const bomb = await zipBombDocx(100);
  const t0 = performance.now();
  try {
    const askers = Array.from({ length: 5 }, async (_, u) => {
      const userId = 78_000 + u;
      const client = h.server.getClient(TOKEN, { userId, chatId: userId });
      for (let i = 0; busy; i++) {
        const before = countMessages(h.server, userId);
        const sent = performance.now();
        try {
          await client.sendMessage(client.makeMessage(questions[(u * 31 + i) % questions.length] ?? ""));
          await waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), { after: before, timeoutMs: 60_000 });
          latencies.push(performance.now() - sent);
        } catch {
          errors++;
        }
      }
    });
    for (let r = 0; r < rounds; r++) {
      const before = countMessages(h.server, ADMIN);
      await upload(`bomb-${r}`, `bomb-${r}.docx`, bomb);
      await upload(`doc-${r}`, `round-${r}.txt`, new TextEncoder().encode(`第${r}轮报告\n\n${seed.replace(/山东/g, `第${r}省`)}`));
      await admin.sendCommand(admin.makeCommand("/reindex"));
      await waitForMessage(h.server, ADMIN, (m) => m.text.includes("过大"), { after: before, timeoutMs: 120_000 });
      await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes(`round-${r}.txt`), { after: before, timeoutMs: 300_000 });
      while (live.reindexing) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    busy = false;
    await Promise.all(askers);
  } finally {
    busy = false;
    await h.stop();
  }
  return {
    rounds,
    adminSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    answers: latencies.length,
    errors,
    latencyMsP50: Math.round(percentile(latencies, 50)),
    latencyMsP95: Math.round(percentile(latencies, 95)),
    latencyMsMax: Math.round(Math.max(0, ...latencies)),
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
    const botPeakRss = peakRss;
    // Admin work changes its corpus: a copy of the seeds with its own index.
    const adminConfig = {
      ...config,
      docsDir: join(work, "docs"),
      indexDir: join(work, "admin-index"),
      auditFile: join(work, "audit.jsonl"),
      trashDir: join(work, "trash"),
    };
    await cp(config.docsDir, adminConfig.docsDir, { recursive: true });
    await ingest(adminConfig, embeddings);
    const adminWork = await benchAdminWork(await createApp(adminConfig, { embeddings }), questions, runs);
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
      bot: { ...bot, peakRssMiB: Math.round(botPeakRss / 2 ** 20) },
      adminWork,
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
      const a = result.adminWork;
      console.log(`bot while an admin works (${a.rounds} rounds of zip-bomb upload + new document + /reindex, 5 users asking throughout)`);
      console.log(`  admin work ${a.adminSeconds} s; ${a.answers} answers meanwhile, errors ${a.errors}`);
      console.log(`  latency p50 ${a.latencyMsP50} ms, p95 ${a.latencyMsP95} ms, max ${a.latencyMsMax} ms`);
    }
  } finally {
    clearInterval(sample);
    await rm(work, { recursive: true, force: true });
  }
});

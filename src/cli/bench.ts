// `npm run bench -- [--runs N] [--users N] [--questions N] [--skip-cmrc] [--json]`, or `--scale N [--work DIR]`: speed
// and memory, figures in its output. Every stage runs in a process of its own (the compiled code, as `npm start` runs
// it), so the peak resident memory reported for a stage is that stage's alone (the process's VmHWM when it ends):
// 1. ingest: full builds of the seeds' index into a temporary folder (median of N runs).
// 2. ask: the seeds' index loaded, every dev question retrieved and answered N times (p50/p95 after load).
// 3. bot: a Bot API emulator on localhost, N simulated users each asking M dev questions one after another, all
//    users at once; answers per second, latency p50/p95, errors. The emulator runs in the same process.
// 4. admin: rounds of a zip-bomb upload, a new document and /reindex while 5 users keep asking; their latency.
// 5. stores: what the bot keeps per user, filled to its bounds with the longest questions (490 characters):
//    answers behind buttons, /stats events, follow-up memory, rate-limit buckets; the heap they take.
// 6. cmrc: the CMRC 2018 dev corpus (848 passages) indexed from scratch (skip with --skip-cmrc).
// 7. start: `npm start`'s process (scripts/run.mjs start, the terminal chat) from spawn to its first answer.
// `--scale N [--work DIR]` runs the archive-scale benchmark instead (eval/scale.ts): N chunks, in process and, with
// DATABASE_URL, on PostgreSQL; --work keeps the archive's base index for the next run. `--replicas` (with
// DATABASE_URL) runs the bot's answers per second with 1 and 3 replicas on PostgreSQL instead (eval/replicas.ts).
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createEmbeddings, ingest } from "../app.js";
import { answerQuestion } from "../answer/pipeline.js";
import { loadConfig } from "../config.js";
import { prepareCmrc } from "../eval/datasets.js";
import { percentile } from "../eval/metrics.js";
import { LiveApp, type App } from "../app.js";
import { ANSWER_CAPACITY, MemoryState } from "../state/store.js";
import { TokenBuckets } from "../bot/rate.js";
import { BotStats } from "../bot/stats.js";
import { ChatMemory } from "../chat/follow-up.js";
import { countMessages, startHarness, waitForMessage, TOKEN } from "../harness/emulator.js";
import { benchReplicas } from "../eval/replicas.js";
import { usersAsking, type BotLoad } from "../eval/load.js";
import { zipBombDocx } from "../harness/files.js";
import { benchScale, scaleQuestions, type ScaleReport } from "../eval/scale.js";
import { numberFlag, parseArgs, runMain, stringFlag, type ParsedArgs } from "./args.js";

async function benchBot(app: App, questions: string[], users: number, perUser: number): Promise<BotLoad> {
  const live = new LiveApp(app);
  const h = await startHarness(app.config, live, { rateLimit: { limit: 1000, windowMs: 1000 } });
  try {
    const load = await usersAsking(h.server, questions, { users, perUser, firstUserId: 10_000 });
    return { ...load, errors: load.errors + h.logs.filter((l) => l.includes(" ERROR ")).length };
  } finally {
    await h.stop();
  }
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
  const h = await startHarness(
    { ...app.config, adminIds: [ADMIN] },
    live,
    { rateLimit: { limit: 1000, windowMs: 1000 } },
    files,
  );
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
          await waitForMessage(h.server, userId, (m) => m.buttons.some((b) => b.text === "👍"), {
            after: before,
            timeoutMs: 60_000,
          });
          latencies.push(performance.now() - sent);
        } catch {
          errors++;
        }
      }
    });
    for (let r = 0; r < rounds; r++) {
      const before = countMessages(h.server, ADMIN);
      await upload(`bomb-${r}`, `bomb-${r}.docx`, bomb);
      await upload(
        `doc-${r}`,
        `round-${r}.txt`,
        new TextEncoder().encode(`第${r}轮报告\n\n${seed.replace(/山东/g, `第${r}省`)}`),
      );
      await admin.sendCommand(admin.makeCommand("/reindex"));
      await waitForMessage(h.server, ADMIN, (m) => m.text.includes("过大"), { after: before, timeoutMs: 120_000 });
      await waitForMessage(h.server, ADMIN, (m) => m.text.includes("索引已更新") && m.text.includes(`round-${r}.txt`), {
        after: before,
        timeoutMs: 300_000,
      });
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

/** This process's peak resident memory so far, in MiB (VmHWM). */
function peakRssMiB(): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
}

const STAGES = ["ingest", "ask", "bot", "admin", "stores", "cmrc"] as const;
/** The stages of `--scale N`, run instead of the others. */
const SCALE_STAGES = ["scale-ingest", "scale"] as const;
type Stage = (typeof STAGES)[number] | (typeof SCALE_STAGES)[number];

interface StageSettings {
  work: string;
  /** --scale N: the archive's chunks. */
  scale: number;
  runs: number;
  users: number;
  perUser: number;
  questions: string[];
}

/** The heap in MiB after a full collection (the stage runs with --expose-gc). */
function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * The bot's per-user stores filled to their bounds, as 8,000+ users asking 490-character questions would fill
 * them: every answer behind buttons (a real answer to a long question), every /stats event, every chat's
 * follow-up memory and rate-limit bucket. Reports the heap each takes.
 */
async function benchStores(app: App, questions: string[]): Promise<Record<string, number>> {
  const long = (i: number): string => `${i}`.padEnd(490 - 30, "援") + (questions[i % questions.length] ?? "");
  const results = await Promise.all(questions.slice(0, 20).map((q) => answerQuestion(app, long(0).slice(0, 400) + q)));
  const figures: Record<string, number> = {};
  let before = heapMiB();
  const answers = new MemoryState();
  for (let i = 0; i < ANSWER_CAPACITY + 1000; i++) {
    const result = results[i % results.length]!;
    // A copy of its own, as every real answer is (passages are cut from the index per question).
    await answers.putAnswer({ result: { ...structuredClone(result), question: long(i) }, chatId: i });
  }
  figures.answersMiB = Number((heapMiB() - before).toFixed(1));
  before = heapMiB();
  const stats = new BotStats();
  for (let i = 0; i < 150_000; i++) stats.record({ at: Date.now(), question: long(i), answered: i % 2 === 0, ms: 50 });
  figures.statsMiB = Number((heapMiB() - before).toFixed(1));
  before = heapMiB();
  const memory = new ChatMemory();
  for (let i = 0; i < 12_000; i++) memory.remember(i, long(i));
  figures.memoryMiB = Number((heapMiB() - before).toFixed(1));
  before = heapMiB();
  const buckets = new TokenBuckets({ limit: 6, windowMs: 10_000 });
  for (let i = 0; i < 12_000; i++) buckets.take(String(i));
  figures.bucketsMiB = Number((heapMiB() - before).toFixed(1));
  figures.totalMiB = Number(
    (figures.answersMiB! + figures.statsMiB! + figures.memoryMiB! + figures.bucketsMiB!).toFixed(1),
  );
  // Keep the stores alive until measured.
  if ((await answers.getAnswer("", 0)) || !stats || !memory) figures.unused = 0;
  return figures;
}

/** One stage, in this process; returns its figures (with the process's peak memory added by the caller). */
async function runStage(stage: Stage, s: StageSettings): Promise<Record<string, unknown>> {
  const config = loadConfig(process.env, { indexDir: join(s.work, "index") });
  const embeddings = createEmbeddings(config);
  if (stage === "ingest") {
    const tLoad = performance.now();
    await embeddings.load();
    const modelLoadMs = Math.round(performance.now() - tLoad);
    const rates: number[] = [];
    const seconds: number[] = [];
    let chunks = 0;
    for (let r = 0; r < s.runs; r++) {
      const report = await ingest(config, embeddings, { full: true });
      chunks = report.chunks;
      rates.push(report.chunks / report.seconds);
      seconds.push(report.seconds);
    }
    return {
      chunks,
      modelLoadMs,
      chunksPerSecondMedian: Number(percentile(rates, 50).toFixed(1)),
      secondsMedian: Number(percentile(seconds, 50).toFixed(2)),
    };
  }
  if (stage === "cmrc") {
    const docsDir = join(s.work, "cmrc-docs");
    await prepareCmrc("data/cmrc2018_dev.json", docsDir);
    const report = await ingest({ ...config, docsDir, indexDir: join(s.work, "cmrc-index") }, embeddings, {
      full: true,
    });
    return {
      chunks: report.chunks,
      seconds: Number(report.seconds.toFixed(1)),
      embedSeconds: Number(report.embedSeconds.toFixed(1)),
    };
  }
  if (stage === "scale-ingest") {
    // The base of the archive: CMRC 2018 and DRCD dev passages, indexed for real (kept in --work between runs).
    const docsDir = join(s.work, "scale-docs");
    await prepareCmrc("data/cmrc2018_dev.json", join(docsDir, "cmrc"));
    await prepareCmrc("data/drcd_dev.json", join(docsDir, "drcd"));
    // Built in this process; the database (DATABASE_URL) only receives the archive's rows in the next stage.
    const local = { ...config, databaseUrl: undefined, docsDir, indexDir: join(s.work, "scale-index") };
    const report = await ingest(local, embeddings);
    return {
      chunks: report.chunks,
      sentencesEmbedded: report.sentencesEmbedded,
      seconds: Number(report.seconds.toFixed(1)),
      chunksPerSecond: report.sentencesEmbedded ? Number((report.chunks / report.seconds).toFixed(1)) : 0,
    };
  }
  if (stage === "scale") {
    const indexDir = join(s.work, "scale-index");
    const app = await createApp({ ...config, databaseUrl: undefined, indexDir }, { embeddings });
    const questions = await scaleQuestions("data/cmrc2018_dev.json", "cmrc", 200);
    return {
      ...(await benchScale({
        baseDir: indexDir,
        n: s.scale,
        questions,
        app,
        databaseUrl: config.databaseUrl,
        log: (line) => console.error(`[bench] scale: ${line}`),
      })),
    };
  }
  const app = await createApp(config, { embeddings });
  if (stage === "ask") {
    const retrievalMs: number[] = [];
    const askMs: number[] = [];
    for (let r = 0; r < s.runs; r++) {
      for (const q of s.questions) {
        const t0 = performance.now();
        await app.retriever.hybridSearch(q);
        retrievalMs.push(performance.now() - t0);
        const t1 = performance.now();
        await answerQuestion(app, q);
        askMs.push(performance.now() - t1);
      }
    }
    const ms = (values: number[], p: number): number => Number(percentile(values, p).toFixed(2));
    return {
      questions: askMs.length,
      retrievalMsP50: ms(retrievalMs, 50),
      retrievalMsP95: ms(retrievalMs, 95),
      askMsP50: ms(askMs, 50),
      askMsP95: ms(askMs, 95),
    };
  }
  if (stage === "bot") return { ...(await benchBot(app, s.questions, s.users, s.perUser)) };
  if (stage === "stores") return { ...(await benchStores(app, s.questions)) };
  // Admin work changes its corpus: a copy of the seeds with its own index.
  const adminConfig = {
    ...config,
    docsDir: join(s.work, "docs"),
    indexDir: join(s.work, "admin-index"),
    auditFile: join(s.work, "audit.jsonl"),
    trashDir: join(s.work, "trash"),
  };
  await cp(config.docsDir, adminConfig.docsDir, { recursive: true });
  await ingest(adminConfig, embeddings);
  return { ...(await benchAdminWork(await createApp(adminConfig, { embeddings }), s.questions, s.runs)) };
}

/**
 * `npm start` as a user runs it (the terminal chat, compiled code, the seeds' index already built): time from
 * spawning the process to its first answer on stdout, and the process's peak memory then.
 */
async function startToFirstAnswer(work: string, question: string): Promise<{ ms: number; peakRssMiB: number }> {
  const { spawn } = await import("node:child_process");
  const env: NodeJS.ProcessEnv = { ...process.env, INDEX_DIR: join(work, "index"), LOG_LEVEL: "warn" };
  delete env.BOT_TOKEN;
  const t0 = performance.now();
  const child = spawn(process.execPath, ["scripts/run.mjs", "start"], { env, stdio: ["pipe", "pipe", "ignore"] });
  child.stdin.write(`${question}\n`);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("npm start gave no answer within 60 s"));
    }, 60_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!out.includes("出处")) return;
      const ms = performance.now() - t0;
      const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      clearTimeout(timer);
      child.kill("SIGTERM");
      resolve({ ms: Math.round(ms), peakRssMiB: Math.round(Number(kb ?? 0) / 1024) });
    });
  });
}

/** Runs one stage in a child process (this script with --stage) and returns its figures. */
function stageProcess(stage: Stage, args: ParsedArgs, work: string): Promise<Record<string, unknown>> {
  const pass = ["runs", "users", "questions", "scale"].flatMap((f) =>
    stringFlag(args, f) ? [`--${f}`, stringFlag(args, f) ?? ""] : [],
  );
  const child = fork(process.argv[1] ?? "", ["--stage", stage, "--work", work, ...pass], {
    silent: true,
    execArgv: [...process.execArgv, "--expose-gc"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`bench stage ${stage} failed (exit ${code})`));
      else resolve(JSON.parse(last) as Record<string, unknown>);
    });
  });
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["json", "skip-cmrc", "replicas"]);
  const runs = numberFlag(args, "runs") ?? 3;
  const users = numberFlag(args, "users") ?? 50;
  const perUser = numberFlag(args, "questions") ?? 10;
  const questions = (await readFile("qa/seeds-dev.jsonl", "utf8"))
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question);
  const scale = numberFlag(args, "scale") ?? 0;
  const stage = stringFlag(args, "stage") as Stage | undefined;
  if (stage) {
    if (![...STAGES, ...SCALE_STAGES].includes(stage)) throw new Error(`unknown stage ${stage}`);
    const settings = { work: stringFlag(args, "work") ?? "", scale, runs, users, perUser, questions };
    const result = await runStage(stage, settings);
    console.log(JSON.stringify({ ...result, peakRssMiB: peakRssMiB() }));
    process.exit(0);
  }
  if (args.flags.has("replicas")) {
    await benchReplicaCounts(args, questions);
    return;
  }
  // --work DIR keeps the work (the archive's base index for --scale) between runs.
  const kept = stringFlag(args, "work");
  const work = kept ?? (await mkdtemp(join(tmpdir(), "bench-")));
  if (scale > 0) {
    try {
      await benchScaleStages(args, work);
    } finally {
      if (!kept) await rm(work, { recursive: true, force: true });
    }
    return;
  }
  try {
    const results: Partial<Record<Stage, Record<string, unknown>>> = {};
    for (const s of STAGES) {
      if (s === "cmrc" && args.flags.has("skip-cmrc")) continue;
      console.error(`[bench] stage ${s} …`);
      results[s] = await stageProcess(s, args, work);
    }
    console.error("[bench] npm start to the first answer …");
    const starts: { ms: number; peakRssMiB: number }[] = [];
    for (let r = 0; r < runs; r++)
      starts.push(await startToFirstAnswer(work, "淄博市第九批援藏工作组对口支援哪个县？"));
    const start = {
      msMedian: percentile(
        starts.map((x) => x.ms),
        50,
      ),
      peakRssMiBMedian: percentile(
        starts.map((x) => x.peakRssMiB),
        50,
      ),
    };
    if (args.flags.has("json")) {
      console.log(JSON.stringify({ runs, ...results, start }));
      return;
    }
    const {
      ingest: i,
      ask: a,
      bot: b,
      admin: w,
      cmrc: c,
    } = results as Record<Stage, Record<string, number> | undefined>;
    if (i) {
      console.log(`ingest: seeds/ (${i.chunks} chunks), ${runs} full builds`);
      console.log(
        `  model load ${i.modelLoadMs} ms; median ${i.chunksPerSecondMedian} chunks/s, ${i.secondsMedian} s per full ` +
          `build; peak RSS ${i.peakRssMiB} MiB`,
      );
    }
    if (a) {
      console.log(`ask: the seeds' index loaded, ${a.questions} questions answered (${runs} runs of the dev file)`);
      console.log(
        `  retrieval p50 ${a.retrievalMsP50} ms, p95 ${a.retrievalMsP95} ms; ask p50 ${a.askMsP50} ms, p95 ` +
          `${a.askMsP95} ms; peak RSS ${a.peakRssMiB} MiB`,
      );
    }
    if (b) {
      console.log(
        `bot under load via the Bot API emulator (${b.users} users × ${b.questionsPerUser} questions, all users at ` +
          `once)`,
      );
      console.log(`  ${b.answers} answers in ${b.seconds} s: ${b.answersPerSecond} answers/s`);
      console.log(
        `  latency p50 ${b.latencyMsP50} ms, p95 ${b.latencyMsP95} ms; errors ${b.errors}; peak RSS ${b.peakRssMiB} ` +
          `MiB (emulator included)`,
      );
    }
    if (w) {
      console.log(
        `bot while an admin works (${w.rounds} rounds of zip-bomb upload + new document + /reindex, 5 users asking ` +
          `throughout)`,
      );
      console.log(`  admin work ${w.adminSeconds} s; ${w.answers} answers meanwhile, errors ${w.errors}`);
      console.log(
        `  latency p50 ${w.latencyMsP50} ms, p95 ${w.latencyMsP95} ms, max ${w.latencyMsMax} ms; peak RSS ` +
          `${w.peakRssMiB} MiB`,
      );
    }
    const st = results.stores as Record<string, number> | undefined;
    if (st) {
      console.log("stores: the bot's per-user memory filled to its bounds with 490-character questions");
      console.log(
        `  answers behind buttons ${st.answersMiB} MiB, /stats events ${st.statsMiB} MiB, follow-up memory ` +
          `${st.memoryMiB} MiB, rate buckets ${st.bucketsMiB} MiB: ${st.totalMiB} MiB in all; peak RSS ` +
          `${st.peakRssMiB} MiB`,
      );
    }
    if (c)
      console.log(
        `cmrc: CMRC 2018 dev indexed from scratch: ${c.chunks} chunks in ${c.seconds} s (embedding sentences ` +
          `${c.embedSeconds} s); peak RSS ${c.peakRssMiB} MiB`,
      );
    console.log(
      `start: npm start (terminal chat, index built) to its first answer: median ${start.msMedian} ms of ${runs}; ` +
        `peak RSS ${start.peakRssMiBMedian} MiB`,
    );
  } finally {
    if (!kept) await rm(work, { recursive: true, force: true });
  }
});

/** `--replicas`: the bot's answers per second with 1 and 3 replicas on PostgreSQL (eval/replicas.ts). */
async function benchReplicaCounts(args: ParsedArgs, questions: string[]): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error("--replicas needs DATABASE_URL (a PostgreSQL server with pgvector)");
  const embeddings = createEmbeddings(config);
  await embeddings.load();
  const users = numberFlag(args, "users") ?? 30;
  const perUser = Math.min(6, numberFlag(args, "questions") ?? 5);
  console.error(`[bench] replicas: ${users} users × ${perUser} questions with 1, then 3 replicas …`);
  const loads = await benchReplicas(config, embeddings, config.databaseUrl, questions, { users, perUser });
  if (args.flags.has("json")) {
    console.log(JSON.stringify({ replicas: loads }));
    return;
  }
  console.log(
    `replicas: the bot on PostgreSQL in webhook mode behind a round-robin balancer, the seeds' index, ${users} ` +
      `users × ${perUser} dev questions, all users at once`,
  );
  for (const l of loads)
    console.log(
      `  ${l.replicas} replica${l.replicas > 1 ? "s" : ""}: ${l.answers} answers in ${l.seconds} s: ` +
        `${l.answersPerSecond} answers/s; latency p50 ${l.latencyMsP50} ms, p95 ${l.latencyMsP95} ms; ` +
        `errors ${l.errors}`,
    );
  const [one, more] = [loads[0], loads.at(-1)];
  if (one && more && more !== one)
    console.log(
      `  ${more.replicas} replicas give ${(more.answersPerSecond / one.answersPerSecond).toFixed(2)}× the ` +
        "answers/s of 1",
    );
}

/** `--scale N`: the archive's base indexed (its own process, for its peak memory), then the archive asked. */
async function benchScaleStages(args: ParsedArgs, work: string): Promise<void> {
  console.error("[bench] scale: indexing the CMRC and DRCD dev passages (the archive's base) …");
  const base = await stageProcess("scale-ingest", args, work);
  const r = (await stageProcess("scale", args, work)) as unknown as ScaleReport & { peakRssMiB: number };
  if (args.flags.has("json")) {
    console.log(JSON.stringify({ scale: { ingest: base, ...r } }));
    return;
  }
  const b = base as Record<string, number>;
  console.log(
    `scale: the base, CMRC 2018 + DRCD dev: ${b.chunks} chunks` +
      (b.sentencesEmbedded
        ? `, indexed in ${b.seconds} s (${b.chunksPerSecond} chunks/s embedded); peak RSS ${b.peakRssMiB} MiB`
        : " (kept from an earlier run in --work)"),
  );
  console.log(
    `  archive: ${r.chunks} chunks (${r.baseChunks} embedded + ${r.copies} copies with changed figures; a copy's ` +
      `vector at cosine ${r.copyCosine} to its original, as the model gives); built in ${r.buildSeconds.copies} s, ` +
      `HNSW ${r.buildSeconds.hnsw} s, BM25 ${r.buildSeconds.bm25} s; peak RSS ${r.peakRssMiB} MiB`,
  );
  console.log(`  ${r.questions} CMRC questions; embedding a question p50 ${r.questionEmbedMsP50} ms (apart)`);
  const line = (name: string, f: ScaleReport["embedded"]): string =>
    `  ${name}: retrieval p50 ${f.retrievalMsP50} ms, p95 ${f.retrievalMsP95} ms; ask p50 ${f.askMsP50} ms, ` +
    `p95 ${f.askMsP95} ms; dense recall@10 ${f.denseRecallAt10}; hybrid hit@1 ${f.hitAt1} (its passage or a copy ` +
    `of it: ${f.hitAt1OrCopy})`;
  console.log(line("in process", r.embedded));
  if (r.postgres) {
    console.log(line("PostgreSQL", r.postgres));
    console.log(
      `    rows written in ${r.postgres.writeSeconds} s (${r.postgres.rowsPerSecond} chunks/s with their postings); ` +
        `same top passage as in process for ${r.postgres.sameTop} of the questions`,
    );
  } else console.log("  PostgreSQL: not measured (set DATABASE_URL)");
}

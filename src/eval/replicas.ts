// `npm run bench -- --replicas` (with DATABASE_URL): the bot's answers per second with 1 and with 3 replicas on
// PostgreSQL. For each count, in a database of its own created on DATABASE_URL's server (and dropped after, so
// that the user's database is never touched): the seeds ingested into it, N real `npm start` processes in webhook
// mode behind a round-robin balancer, fed by the Bot API emulator through the relay the replica tests use; U
// users at once, each asking Q dev questions one after another (Q ≤ 6: the bot's rate limit lets a burst of 6
// through). Answers per second, latency p50/p95 and errors; each replica's own index copy and state are real.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { ingest } from "../app.js";
import type { Config } from "../config.js";
import type { TransformersEmbeddings } from "../search/embedder.js";
import { startBalancer } from "../harness/balancer.js";
import { freePort, startApiProxy, TOKEN } from "../harness/emulator.js";
import { usersAsking, type BotLoad } from "./load.js";

export interface ReplicaLoad extends BotLoad {
  replicas: number;
}

const SECRET = "bench-replicas-secret";
/** How long the replicas may take to start (each loads the model and takes the database's generation). */
const START_MS = 180_000;

/** A database of its own on the server of `url`, with a function that drops it. */
async function scratchDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `duikou_bench_${randomBytes(5).toString("hex")}`;
  const run = async (sql: string): Promise<void> => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The warnings and errors the replicas logged (kept to be reported). */
const problems: string[] = [];

/** Starts a replica on each port (the compiled bot, as `npm start` runs it); resolves when all are running. */
async function startReplicas(ports: number[], env: NodeJS.ProcessEnv, work: string): Promise<ChildProcess[]> {
  const logs = ports.map(() => "");
  const children = ports.map((port, i) => {
    const child = spawn(process.execPath, ["scripts/run.mjs", "start"], {
      env: { ...env, PORT: String(port), INDEX_DIR: join(work, `index-${i}`) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (d: Buffer) => {
      const text = d.toString();
      logs[i] = (logs[i] + text).slice(-20_000);
      for (const line of text.split("\n")) if (/ (WARN|ERROR) /.test(line)) problems.push(`replica ${i}: ${line}`);
    });
    return child;
  });
  const deadline = Date.now() + START_MS;
  while (logs.some((l) => !l.includes("is running")) && Date.now() < deadline) {
    if (children.some((c) => c.exitCode !== null)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (logs.some((l) => !l.includes("is running"))) {
    for (const c of children) c.kill("SIGKILL");
    throw new Error(`a replica did not start:\n${logs.map((l) => l.slice(-2000)).join("\n---\n")}`);
  }
  return children;
}

/** One count of replicas: a fresh database, the seeds ingested, the load, everything stopped and dropped. */
async function loadWith(
  count: number,
  config: Config,
  embeddings: TransformersEmbeddings,
  databaseUrl: string,
  questions: string[],
  users: number,
  perUser: number,
): Promise<ReplicaLoad> {
  const db = await scratchDatabase(databaseUrl);
  const work = await mkdtemp(join(tmpdir(), "bench-replicas-"));
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  let children: ChildProcess[] = [];
  try {
    await ingest({ ...config, databaseUrl: db.url, indexDir: join(work, "ingest-index") }, embeddings);
    await server.start();
    const proxy = await startApiProxy(server);
    const backends = await Promise.all(Array.from({ length: count }, () => freePort()));
    const balancer = await startBalancer(backends);
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: proxy.url,
        WEBHOOK_URL: `${balancer.url}/hook`,
        WEBHOOK_SECRET: SECRET,
        DATABASE_URL: db.url,
        DOCS_DIR: config.docsDir,
        AUDIT_FILE: join(work, "audit.jsonl"),
        FEEDBACK_FILE: join(work, "feedback.jsonl"),
        TRASH_DIR: join(work, "trash"),
        LOG_LEVEL: "info",
      };
      delete env.ADMIN_IDS;
      delete env.HEALTH_PORT;
      children = await startReplicas(backends, env, work);
      process.stderr.write(`[bench] ${count} replica(s) running; ${users} users asking …\n`);
      const load = await usersAsking(server, questions, { users, perUser, firstUserId: 60_000 });
      for (const line of problems.splice(0).slice(0, 20)) process.stderr.write(`[bench] ${line}\n`);
      return { replicas: count, ...load };
    } finally {
      // Updates still being relayed (a webhook answered after its user's reply was seen) finish first.
      await proxy.settled(70_000);
      for (const c of children) c.kill("SIGKILL");
      await balancer.close();
      await proxy.close();
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await server.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** The load with 1 and with 3 replicas (or the counts given), one after the other. */
export async function benchReplicas(
  config: Config,
  embeddings: TransformersEmbeddings,
  databaseUrl: string,
  questions: string[],
  options: { counts?: number[]; users?: number; perUser?: number } = {},
): Promise<ReplicaLoad[]> {
  const loads: ReplicaLoad[] = [];
  for (const count of options.counts ?? [1, 3]) {
    loads.push(
      await loadWith(count, config, embeddings, databaseUrl, questions, options.users ?? 30, options.perUser ?? 5),
    );
  }
  return loads;
}

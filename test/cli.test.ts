// The command-line entry points as a user runs them: `ask --json` prints exactly one JSON object, JSON Lines
// over stdin keep their order, and `npm start` without BOT_TOKEN is a terminal chat that builds a missing index.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../src/app.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";

function run(args: string[], input: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, BOT_TOKEN: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

let corpus: TempCorpus;
beforeAll(async () => {
  corpus = tempCorpus();
  await ingest(corpus.config, testEmbeddings());
});
afterAll(() => corpus.cleanup());

describe("ask", () => {
  it("prints exactly one answer object with --json", async () => {
    const r = await run(["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json", "淄博市第九批援藏工作组对口支援哪个县？"], "", {});
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const a = JSON.parse(lines[0]!) as { answered: boolean; mode: string; answer: string; citations: { source: string }[]; passages: unknown[] };
    expect(Object.keys(a)).toEqual(["question", "answered", "mode", "answer", "citations", "passages"]);
    expect(a.answer).toContain("昂仁县");
    expect(a.citations[0]?.source).toBe("002_2a4bfa5699e19441.txt");
    expect(a.passages.length).toBeGreaterThanOrEqual(5);
  });

  it("answers JSON Lines from stdin in order", async () => {
    const r = await run(["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json"], "江苏省援藏工作队在拉萨投资了多少资金？\n西藏首座青稞博物馆投资了多少钱？\n", {});
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { question: string; answered: boolean; answer: string });
    expect(rows.map((x) => x.answered)).toEqual([false, true]);
    expect(rows[1]?.answer).toContain("1600万元");
  });

  it("writes one line per input line, blank and over-long lines included", async () => {
    const long = "援".repeat(600);
    const input = `淄博市第九批援藏工作组对口支援哪个县？\n\n   \n${long}\n西藏首座青稞博物馆投资了多少钱？\n`;
    const r = await run(["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json"], input, {});
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { answered: boolean; answer: string; error?: string });
    expect(rows).toHaveLength(5);
    expect(rows.map((x) => x.answered)).toEqual([true, false, false, false, true]);
    expect(rows[1]?.error).toBe("empty question");
    expect(rows[2]?.error).toBe("empty question");
    expect(rows[3]?.error).toMatch(/longer than 500/);
    expect(rows[0]?.error).toBeUndefined();
    expect(rows[4]?.answer).toContain("1600万元");
  });

  it("refuses an unknown option with the usage, not a silent success", async () => {
    const r = await run(["src/cli/ask.ts", "--index", corpus.config.indexDir, "--jsn", "问题"], "", {});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("unknown option --jsn");
    expect(r.stderr).toContain("usage:");
  });

  it("says which command builds a missing index", async () => {
    const r = await run(["src/cli/ask.ts", "--index", `${corpus.root}/nothing`, "--json", "问题"], "", {});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("npm run ingest");
  });
});

describe("npm start without BOT_TOKEN", () => {
  it("builds the missing index and chats in the terminal", async () => {
    const fresh = `${corpus.root}/fresh-index`;
    const r = await run(["src/cli/start.ts"], "淄博市第九批援藏工作组对口支援哪个县？\nexit\n", { DOCS_DIR: corpus.config.docsDir, INDEX_DIR: fresh });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("已载入 5 份文件");
    expect(r.stdout).toContain("昂仁县");
    expect(r.stdout).toContain("出处");
  });
});

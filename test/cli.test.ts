// The command-line entry points as a user runs them: `ask --json` prints exactly one JSON object, JSON Lines
// over stdin keep their order, and `npm start` without BOT_TOKEN is a terminal chat that builds a missing index.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../src/app.js";
import { tempCorpus, testEmbeddings, type TempCorpus } from "./helpers.js";

function run(
  args: string[],
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      env: { ...process.env, BOT_TOKEN: "", ...env },
    });
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
    const r = await run(
      ["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json", "淄博市第九批援藏工作组对口支援哪个县？"],
      "",
      {},
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const a = JSON.parse(lines[0]!) as {
      answered: boolean;
      mode: string;
      answer: string;
      citations: { source: string }[];
      passages: unknown[];
    };
    expect(Object.keys(a)).toEqual(["question", "answered", "mode", "answer", "citations", "passages"]);
    expect(a.answer).toContain("昂仁县");
    expect(a.citations[0]?.source).toBe("002_2a4bfa5699e19441.txt");
    expect(a.passages.length).toBeGreaterThanOrEqual(5);
  });

  it("answers JSON Lines from stdin in order", async () => {
    const r = await run(
      ["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json"],
      "江苏省援藏工作队在拉萨投资了多少资金？\n西藏首座青稞博物馆投资了多少钱？\n",
      {},
    );
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { question: string; answered: boolean; answer: string });
    expect(rows.map((x) => x.answered)).toEqual([false, true]);
    expect(rows[1]?.answer).toContain("1600万元");
  });

  it("writes one line per input line, blank and over-long lines included", async () => {
    const long = "援".repeat(600);
    const input = `淄博市第九批援藏工作组对口支援哪个县？\n\n   \n${long}\n西藏首座青稞博物馆投资了多少钱？\n`;
    const r = await run(["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json"], input, {});
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { answered: boolean; answer: string; error?: string });
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

describe("ingest", () => {
  it("refuses to rebuild an index from another docs folder without --force, and says so", async () => {
    const other = tempCorpus({ copySeeds: false });
    const docsA = join(other.root, "a");
    const docsB = join(other.root, "b");
    try {
      mkdirSync(docsA);
      mkdirSync(docsB);
      writeFileSync(
        join(docsA, "one.txt"),
        "果洛州援青工作报告\n\n青海省果洛州援青工作队今年投入资金8888万元，建设牧民新村12个。\n",
      );
      writeFileSync(
        join(docsB, "two.txt"),
        "昌都援藏工作报告\n\n天津市援藏工作队今年投入资金6666万元，建设小学3所。\n",
      );
      const index = other.config.indexDir;
      const files = (): string[] =>
        Object.keys(
          (JSON.parse(readFileSync(join(index, "live", "manifest.json"), "utf8")) as { files: object }).files,
        );
      expect((await run(["src/cli/ingest.ts", "--docs", docsA, "--index", index], "", {})).code).toBe(0);
      const refused = await run(["src/cli/ingest.ts", "--docs", docsB, "--index", index], "", {});
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`was built from ${docsA}`);
      expect(refused.stderr).toContain("--force");
      expect(files()).toEqual(["one.txt"]);
      const forced = await run(["src/cli/ingest.ts", "--docs", docsB, "--index", index, "--force"], "", {});
      expect(forced.code).toBe(0);
      expect(files()).toEqual(["two.txt"]);
    } finally {
      other.cleanup();
    }
  });

  it("runs one build per index: a second names the lock's holder and exits 1; a stale lock is taken over", async () => {
    const lock = join(corpus.config.indexDir, "build.lock");
    writeFileSync(lock, `${process.pid}\n`);
    try {
      const second = await run(
        ["src/cli/ingest.ts", "--index", corpus.config.indexDir, "--docs", corpus.config.docsDir],
        "",
        {},
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`Another build (process ${process.pid}) is writing the index`);
      expect(second.stderr).not.toContain("ENOENT");
    } finally {
      rmSync(lock, { force: true });
    }
    writeFileSync(lock, "2147483646\n");
    // A temporary left by a builder killed before it linked its lock is cleaned up too.
    writeFileSync(`${lock}.2147483645`, "2147483645\n");
    const after = await run(
      ["src/cli/ingest.ts", "--index", corpus.config.indexDir, "--docs", corpus.config.docsDir],
      "",
      {},
    );
    expect(after.code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(`${lock}.2147483645`)).toBe(false);
  });

  it("says which entries of the docs folder it did not read", async () => {
    const other = tempCorpus();
    try {
      writeFileSync(join(other.config.docsDir, ".notes.txt"), "草稿");
      writeFileSync(join(other.config.docsDir, "photo.jpg"), "JPEG");
      const r = await run(
        ["src/cli/ingest.ts", "--docs", other.config.docsDir, "--index", other.config.indexDir],
        "",
        {},
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("not read: .notes.txt: hidden (name starts with a dot)");
      expect(r.stderr).toContain("not read: photo.jpg: unsupported type .jpg");
    } finally {
      other.cleanup();
    }
  });
});

describe("npm start without BOT_TOKEN", () => {
  it("builds the missing index and chats in the terminal", async () => {
    const fresh = `${corpus.root}/fresh-index`;
    const r = await run(["src/cli/start.ts"], "淄博市第九批援藏工作组对口支援哪个县？\nexit\n", {
      DOCS_DIR: corpus.config.docsDir,
      INDEX_DIR: fresh,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("已载入 5 份文件");
    expect(r.stdout).toContain("昂仁县");
    expect(r.stdout).toContain("出处");
  });

  it("gives an open question's further points on 更多, none repeated", async () => {
    const r = await run(["src/cli/start.ts"], "淄博市第九批援藏工作组在昂仁县做了哪些事？\n更多\n更多\nexit\n", {
      DOCS_DIR: corpus.config.docsDir,
      INDEX_DIR: corpus.config.indexDir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("（输入“更多”查看其余要点）");
    const [first = "", rest = ""] = r.stdout.split("（输入“更多”查看其余要点）");
    const points = (text: string): string[] =>
      text
        .split("\n")
        .filter((l) => l.startsWith("• "))
        .map((l) => l.replace(/\[\d+\]$/, ""));
    expect(points(first)).toHaveLength(5);
    expect(points(rest).length).toBeGreaterThan(0);
    for (const p of points(rest)) expect(points(first)).not.toContain(p);
    expect(rest).toContain("没有更多要点了。");
  });

  it("rebuilds, on start, an index that an older version built", async () => {
    const other = tempCorpus();
    try {
      await ingest(other.config, testEmbeddings());
      const manifestPath = join(other.config.indexDir, "live", "manifest.json");
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { chunkerVersion: number };
      writeFileSync(manifestPath, JSON.stringify({ ...manifest, chunkerVersion: 0 }));
      const r = await run(["src/cli/start.ts"], "淄博市第九批援藏工作组对口支援哪个县？\nexit\n", {
        DOCS_DIR: other.config.docsDir,
        INDEX_DIR: other.config.indexDir,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("rebuilding it");
      expect(r.stdout).toContain("昂仁县");
    } finally {
      other.cleanup();
    }
  });

  it("behaves like the bot: /help, follow-ups, a hint for questions without Chinese, the same refusal", async () => {
    const input = [
      "/help",
      "淄博市第九批援藏工作组对口支援哪个县？",
      "那日喀则市共建设了多少家“孔子学堂”呢？",
      "how much did Shandong invest?",
      "江苏省援藏工作队在拉萨投资了多少资金？",
      "exit",
    ].join("\n");
    const r = await run(["src/cli/start.ts"], `${input}\n`, {
      DOCS_DIR: corpus.config.docsDir,
      INDEX_DIR: corpus.config.indexDir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("可以这样问");
    expect(r.stdout).toContain("已收录 5 份文件");
    expect(r.stdout).toContain("请用中文提问");
    const refusal = await run(
      ["src/cli/ask.ts", "--index", corpus.config.indexDir, "--json", "江苏省援藏工作队在拉萨投资了多少资金？"],
      "",
      {},
    );
    const lead = (JSON.parse(refusal.stdout) as { answer: string }).answer.split("；")[0] ?? "";
    expect(lead).toMatch(/^资料中未找到/);
    expect(r.stdout).toContain(lead);
  });

  it("resolves a follow-up against the previous question", async () => {
    const input = ["广东省第十批援藏工作队有多少名干部人才？", "那山东呢？", "exit"].join("\n");
    const r = await run(["src/cli/start.ts"], `${input}\n`, {
      DOCS_DIR: corpus.config.docsDir,
      INDEX_DIR: corpus.config.indexDir,
    });
    expect(r.stdout).toMatch(/（理解为：[^）]*山东[^）]*）/);
  });
});

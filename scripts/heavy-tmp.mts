import { createApp } from "../src/app.js";
import { answer } from "../src/answer/index.js";
import { loadConfig } from "../src/config.js";
const config = { ...loadConfig(), docsDir: "/work/main/seeds", indexDir: "/tmp/id-seeds-index" };
const app = await createApp(config as any);
const qs: [string, string][] = [
  ["normal", "广东省第十批援藏工作队有多少名干部人才？"],
  ["who250", "谁？".repeat(250)],
  ["howmany", "多少？".repeat(166)],
  ["mixed", "昂仁县投资多少？哪一年建成？谁负责？".repeat(20).slice(0, 500)],
  ["long", "2022年山东援藏共投入援藏资金多少，实施了多少个援建项目，".repeat(20).slice(0, 500)],
  ["compare", "广东和山东援藏资金分别是多少？哪个多？相差多少？".repeat(15).slice(0, 500)],
];
for (const [name, q] of qs) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); await answer(app as any, q); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(name, q.length, times.map((t) => t.toFixed(0)).join(" "));
}
process.exit(0);

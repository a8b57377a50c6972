// How long the answerer's character weights take to count on a loaded index (features.ts: characterWeights, once
// per loaded index, on its first question), beside converting every chunk's whole text first, the first version.
//
//   npx tsx scripts/char-weights.ts /tmp/ev-f1/drcd_dev
// (a folder with index/, as `npm run eval -- --work` leaves it)
import { join } from "node:path";
import { characterWeights } from "../src/answer/features.js";
import type { App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createEmbeddings } from "../src/app.js";
import { loadIndex } from "../src/search/index-store.js";
import { normalizeForMatch } from "../src/text/normalize.js";

const [work] = process.argv.slice(2);
if (!work) throw new Error("usage: npx tsx scripts/char-weights.ts WORK_DIR");
const config = loadConfig(process.env, { docsDir: join(work, "docs"), indexDir: join(work, "index") });
const index = await loadIndex(config.indexDir, createEmbeddings(config).modelName);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const shipped: number[] = [];
for (let run = 0; run < 5; run++) {
  // A fresh object each run: the weights are cached per loaded index.
  const app = { index: { ...index } } as unknown as App;
  const t = performance.now();
  characterWeights(app, ["测试"]);
  shipped.push(performance.now() - t);
}
const whole: number[] = [];
for (let run = 0; run < 5; run++) {
  const t = performance.now();
  const df = new Map<string, number>();
  for (const chunk of index.chunks) {
    for (const ch of new Set(normalizeForMatch(chunk.pageContent).match(/\p{Script=Han}/gu) ?? []))
      df.set(ch, (df.get(ch) ?? 0) + 1);
  }
  whole.push(performance.now() - t);
}
console.log(
  `${index.chunks.length} chunks: characterWeights ${median(shipped).toFixed(1)} ms, ` +
    `whole texts converted first ${median(whole).toFixed(1)} ms (medians of 5)`,
);

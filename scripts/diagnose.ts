// Where the answerer goes wrong on a CMRC-format benchmark: for every question, the answer, whether it is right,
// and the ranked candidates of its first part (the first three and the first gold one, with their features);
// then a count of the wrong answers by where the right sentence stood (issue 8's notes quote it).
//
//   npx tsx scripts/diagnose.ts data/drcd_dev.json /tmp/ev-f1/drcd_dev /tmp/diag.jsonl [limit]
//
// The second argument is a folder with `docs/` and `index/` as `npm run eval -- --cmrc FILE --work DIR` leaves
// them (DIR/drcd_dev). The third is the JSON Lines file written, one question per line.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RETRIEVE } from "../src/answer/params.js";
import { answerQuestion } from "../src/answer/pipeline.js";
import { analyzeCandidates, type Scored } from "../src/answer/rank.js";
import { createApp, createEmbeddings } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { prepareCmrc } from "../src/eval/datasets.js";
import { answerMatches } from "../src/eval/metrics.js";

const [file, work, out, limit] = process.argv.slice(2);
if (!file || !work || !out) throw new Error("usage: npx tsx scripts/diagnose.ts CMRC_FILE WORK_DIR OUT.jsonl [limit]");
const scratch = await mkdtemp(join(tmpdir(), "diagnose-"));
const { kept } = await prepareCmrc(file, scratch, {});
await rm(scratch, { recursive: true, force: true });
const config = loadConfig(process.env, { docsDir: join(work, "docs"), indexDir: join(work, "index") });
const embeddings = createEmbeddings(config);
await embeddings.load();
const app = await createApp(config, { embeddings });

const lines: string[] = [];
const counts = new Map<string, number>();
const items = limit ? kept.slice(0, Number(limit)) : kept;
for (const item of items) {
  const result = await answerQuestion(app, item.question);
  const right =
    result.answered &&
    answerMatches(result.answer, item.expect, "any") &&
    result.citations.some((c) => item.sources.includes(c.source));
  const retrieved = await app.retriever.hybridSearch(item.question, { k: RETRIEVE });
  const { q, parts } = await analyzeCandidates(app, item.question, retrieved, { trimAll: true });
  const ranked = parts[0]?.ranked ?? [];
  const gold = (s: Scored): boolean =>
    item.sources.includes(s.candidate.chunk.metadata.source) && answerMatches(s.candidate.text, item.expect, "any");
  const goldIndex = ranked.findIndex(gold);
  const show = (s: Scored | undefined) =>
    s && {
      text: s.candidate.text,
      span: s.span,
      score: +s.score.toFixed(3),
      f: Object.fromEntries(Object.entries(s.features).map(([k, v]) => [k, +v.toFixed(3)])),
    };
  lines.push(
    JSON.stringify({
      id: item.id,
      question: item.question,
      expect: item.expect,
      right,
      answered: result.answered,
      answer: result.answer,
      kind: parts[0]?.part.kind,
      asked: parts[0]?.part.asked,
      nparts: parts.length,
      conf: +(parts[0]?.confidence ?? 0).toFixed(3),
      goldIndex,
      n: ranked.length,
      top: ranked.slice(0, 3).map(show),
      gold: show(ranked[goldIndex]),
      focus: parts[0]?.part.focus,
      terms: q.terms,
    }),
  );
  const where =
    goldIndex < 0 ? "no candidate holds it" : goldIndex === 0 ? "first" : goldIndex < 3 ? "2nd-3rd" : "4th or lower";
  const key = right ? "right" : `${result.answered ? "answered wrong" : "refused"}, right sentence ${where}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
await writeFile(out, lines.join("\n") + "\n");
console.log(`${items.length} questions → ${out}`);
for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${key}`);

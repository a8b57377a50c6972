// Which form of the question picks the sentence that answers it: BGE's retrieval form (with its instruction) or
// the question as itself. For each question of a CMRC-format file whose passages hold a gold sentence, counts how
// often each form makes a gold sentence the most similar of the answerer's candidates (README, step 2).
//
//   npx tsx scripts/sentence-vectors.ts data/cmrc2018_dev.json /tmp/ev-f1/cmrc2018_dev [limit]
//
// The second argument is a folder with `docs/` and `index/` as `npm run eval -- --cmrc FILE --work DIR` leaves
// them (DIR/cmrc2018_dev).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RETRIEVE } from "../src/answer/params.js";
import { analyzeCandidates } from "../src/answer/rank.js";
import { createApp, createEmbeddings } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { prepareCmrc } from "../src/eval/datasets.js";
import { answerMatches } from "../src/eval/metrics.js";
import { BGE_QUERY_INSTRUCTION } from "../src/search/embedder.js";
import { sentenceKey, sentenceSimilarity } from "../src/search/index-store.js";

const [file, work, limit] = process.argv.slice(2);
if (!file || !work) {
  process.stderr.write("usage: npx tsx scripts/sentence-vectors.ts CMRC_FILE EVAL_WORK_DIR [LIMIT]\n");
  process.exit(2);
}
const scratch = await mkdtemp(join(tmpdir(), "sentence-vectors-"));
const { kept } = await prepareCmrc(file, scratch);
const config = loadConfig(process.env, { docsDir: join(work, "docs"), indexDir: join(work, "index") });
const embeddings = createEmbeddings(config);
await embeddings.load();
const app = await createApp(config, { embeddings });
const { sentences } = app.index;

const counts = { questions: 0, instructed: 0, plain: 0 };
for (const item of kept.slice(0, limit ? Number(limit) : undefined)) {
  const retrieved = await app.retriever.hybridSearch(item.question, { k: RETRIEVE });
  const { parts } = await analyzeCandidates(app, item.question, retrieved, { trimAll: true });
  const ranked = parts[0]?.ranked ?? [];
  const gold = ranked.map(
    (s) =>
      item.sources.includes(s.candidate.chunk.metadata.source) && answerMatches(s.candidate.text, item.expect, "any"),
  );
  if (!gold.some(Boolean)) continue;
  counts.questions++;
  const [instructed] = await embeddings.embedDocuments([`${BGE_QUERY_INSTRUCTION}${item.question}`]);
  const plain = await embeddings.embedQuestion(item.question);
  const bestIsGold = (vector: number[]): boolean => {
    let best = -1;
    let bestSim = -Infinity;
    ranked.forEach((s, i) => {
      const sim = sentenceSimilarity(sentences, sentenceKey(s.candidate.text), vector);
      if (sim > bestSim) [best, bestSim] = [i, sim];
    });
    return gold[best] ?? false;
  };
  if (bestIsGold(instructed ?? [])) counts.instructed++;
  if (bestIsGold(plain)) counts.plain++;
}
await rm(scratch, { recursive: true, force: true });
console.log(
  `${file}: ${counts.questions} questions with a gold sentence among the candidates; the most similar sentence ` +
    `is gold with BGE's instruction ${counts.instructed}, as itself ${counts.plain}`,
);

// `npm run ingest -- [--docs DIR] [--index DIR] [--full] [--force]`: builds or updates the index; progress on
// stderr. One build per index at a time (a second one names the first's process and exits 1); an index built
// from another docs folder is rebuilt from this one only with --force.
import { createEmbeddings, ingest } from "../app.js";
import { configFromArgs, parseArgs, runMain } from "./args.js";

const USAGE = "usage: npm run ingest -- [--docs DIR] [--index DIR] [--full] [--force]";

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["full", "force"], ["docs", "index"]);
  const config = configFromArgs(args);
  const embeddings = createEmbeddings(config);
  await embeddings.load();
  const report = await ingest(config, embeddings, {
    full: args.flags.has("full"),
    force: args.flags.has("force"),
    onProgress: (p) => {
      if (p.stage === "scan") console.error(`[ingest] ${p.files} files in ${config.docsDir}`);
      else if (p.stage === "embed") console.error(`[ingest] embedded ${p.done}/${p.total} new sentences`);
      else if (p.stage === "write") console.error(`[ingest] writing index to ${config.indexDir}`);
    },
  });
  for (const f of report.skipped) console.error(`[ingest] not read: ${f.path}: ${f.reason}`);
  for (const f of report.failed) console.error(`[ingest] skipped ${f.reason}`);
  for (const d of report.decoded)
    console.error(
      `[ingest] ${d.source}: read as ${d.encoding}${d.replaced ? `, ${d.replaced} stray bytes replaced` : ""}`,
    );
  console.error(
    `[ingest] done in ${report.seconds.toFixed(1)} s: ${report.chunks} chunks; ` +
      `added ${report.added.length}, changed ${report.changed.length}, removed ${report.removed.length}, ` +
      `unchanged ${report.unchanged.length}, failed ${report.failed.length}; ` +
      `embedded ${report.sentencesEmbedded} new sentences in ${report.embedSeconds.toFixed(1)} s ` +
      `(${report.sentencesReused} kept their vectors)`,
  );
}, USAGE);

// Shared test set-up: the real model, real seeds, indexes built into temporary folders.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createApp, createEmbeddings, ingest, type App } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";
import type { TransformersEmbeddings } from "../src/search/embedder.js";

export const SEEDS_DIR = resolve("seeds");

let sharedEmbeddings: TransformersEmbeddings | undefined;

/** One embedder per test file: the model loads once. */
export function testEmbeddings(): TransformersEmbeddings {
  sharedEmbeddings ??= createEmbeddings(loadConfig({}));
  return sharedEmbeddings;
}

export interface TempCorpus {
  root: string;
  config: Config;
  cleanup: () => void;
}

/** A temporary docs folder (a copy of the seeds unless empty is asked) and index folder. */
export function tempCorpus(options: { copySeeds?: boolean } = {}): TempCorpus {
  const root = mkdtempSync(join(tmpdir(), "duikou-test-"));
  const docsDir = join(root, "docs");
  if (options.copySeeds ?? true) cpSync(SEEDS_DIR, docsDir, { recursive: true });
  const config = loadConfig(
    {},
    {
      docsDir,
      indexDir: join(root, "index"),
      feedbackFile: join(root, "feedback.jsonl"),
      auditFile: join(root, "audit.jsonl"),
      trashDir: join(root, "trash"),
    },
  );
  return { root, config, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The app over a freshly built index of the seeds. */
export async function seedsApp(): Promise<{ app: App; corpus: TempCorpus }> {
  const corpus = tempCorpus();
  const embeddings = testEmbeddings();
  await ingest(corpus.config, embeddings);
  const app = await createApp(corpus.config, { embeddings });
  return { app, corpus };
}

/** The app over a corpus of the given files only (name → text), written by the test and indexed. */
export async function writtenApp(files: Record<string, string>): Promise<{ app: App; corpus: TempCorpus }> {
  const corpus = tempCorpus({ copySeeds: false });
  mkdirSync(corpus.config.docsDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(corpus.config.docsDir, name), text);
  const embeddings = testEmbeddings();
  await ingest(corpus.config, embeddings);
  const app = await createApp(corpus.config, { embeddings });
  return { app, corpus };
}

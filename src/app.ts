// Builds the pipeline once from config: the embedder, the live index and the retriever. Everything else
// receives what it needs from here; nothing heavy is a hidden global.
import type { Config } from "./config.js";
import { LlmAnswerer } from "./answer/llm.js";
import { createLogger, type Logger } from "./log.js";
import { DEFAULT_CHUNK_OPTIONS } from "./corpus/chunk.js";
import { TransformersEmbeddings } from "./search/embedder.js";
import { buildIndex, indexExists, loadIndex, type BuildOptions, type BuildReport, type LoadedIndex } from "./search/index-store.js";
import { HybridRetriever, type RetrievalOptions } from "./search/retriever.js";

export interface App {
  config: Config;
  embeddings: TransformersEmbeddings;
  retriever: HybridRetriever;
  index: LoadedIndex;
  /** Present when LLM_BASE_URL is set: answers from the language model, verified, extractive as fallback. */
  llm?: LlmAnswerer;
}

export function createEmbeddings(config: Config): TransformersEmbeddings {
  return new TransformersEmbeddings({ model: config.embeddingModel, modelsDir: config.modelsDir });
}

/** Runs an incremental build of config.indexDir from config.docsDir. */
export function ingest(
  config: Config,
  embeddings: TransformersEmbeddings,
  extra: Partial<Pick<BuildOptions, "full" | "onProgress" | "chunkOptions">> = {},
): Promise<BuildReport> {
  return buildIndex({
    docsDir: config.docsDir,
    indexDir: config.indexDir,
    embeddings,
    chunkOptions: extra.chunkOptions ?? DEFAULT_CHUNK_OPTIONS,
    full: extra.full,
    onProgress: extra.onProgress,
  });
}

/** Loads the model and the live index; with buildIfMissing, builds the index first when there is none. */
export async function createApp(
  config: Config,
  options: { buildIfMissing?: boolean; retrieval?: Partial<RetrievalOptions>; embeddings?: TransformersEmbeddings; log?: Logger } = {},
): Promise<App> {
  const embeddings = options.embeddings ?? createEmbeddings(config);
  await embeddings.load();
  if (options.buildIfMissing && !indexExists(config.indexDir)) await ingest(config, embeddings);
  const index = await loadIndex(config.indexDir, embeddings.modelName);
  const retriever = new HybridRetriever({ index, embeddings, options: options.retrieval });
  const llm = config.llm ? new LlmAnswerer(config.llm, options.log ?? createLogger(config), config.llmTimeoutMs) : undefined;
  return { config, embeddings, retriever, index, llm };
}

export class ReindexBusyError extends Error {
  constructor() {
    super("a re-index is already running");
  }
}

/**
 * The app that serves questions while the corpus changes: `current` is the last good index; `reindex` builds a
 * new one beside it (one at a time) and swaps it in only when complete. A failed build changes nothing.
 */
export class LiveApp {
  private app: App;
  private running: Promise<BuildReport> | undefined;

  constructor(app: App) {
    this.app = app;
  }

  get current(): App {
    return this.app;
  }

  get reindexing(): boolean {
    return this.running !== undefined;
  }

  async reindex(options: Partial<Pick<BuildOptions, "full" | "onProgress">> = {}): Promise<BuildReport> {
    if (this.running) throw new ReindexBusyError();
    const { config, embeddings } = this.app;
    const retrieval = this.app.retriever.options;
    this.running = (async () => {
      const report = await ingest(config, embeddings, options);
      const index = await loadIndex(config.indexDir, embeddings.modelName);
      this.app = { ...this.app, index, retriever: new HybridRetriever({ index, embeddings, options: retrieval }) };
      return report;
    })();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }
}

// Builds the pipeline once from config: the embedder, the live index and the retriever. Everything else
// receives what it needs from here; nothing heavy is a hidden global.
import type { Config } from "./config.js";
import { LlmAnswerer } from "./answer/llm.js";
import { createLogger, type Logger } from "./log.js";
import { DEFAULT_CHUNK_OPTIONS } from "./corpus/chunk.js";
import { TransformersEmbeddings } from "./search/embedder.js";
import {
  IndexError,
  buildIndex,
  indexExists,
  loadIndex,
  type BuildOptions,
  type BuildProgress,
  type BuildReport,
  type LoadedIndex,
} from "./search/index-store.js";
import { HybridRetriever, type RetrievalOptions } from "./search/retriever.js";
import {
  followGenerations,
  pullGeneration,
  searchInDatabase,
  sharedBuild,
  withSharedBuild,
  type SharedBuild,
} from "./search/pg-index.js";
import type { SearchBackend } from "./search/search-backend.js";
import { liveGeneration } from "./search/index-store.js";
import { BUILD_LIMITS, runInWorker } from "./worker/run.js";

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

type IngestOptions = Partial<Pick<BuildOptions, "full" | "force" | "onProgress" | "chunkOptions">>;

/** An incremental build of config.indexDir from config.docsDir, in this process. */
function buildHere(config: Config, embeddings: TransformersEmbeddings, extra: IngestOptions): Promise<BuildReport> {
  return buildIndex({
    docsDir: config.docsDir,
    indexDir: config.indexDir,
    embeddings,
    chunkOptions: extra.chunkOptions ?? DEFAULT_CHUNK_OPTIONS,
    full: extra.full,
    force: extra.force,
    onProgress: extra.onProgress,
  });
}

/**
 * Runs an incremental build of config.indexDir from config.docsDir; with DATABASE_URL, under the build lock of
 * every replica (waiting for a build running elsewhere), from the database's live generation, and published
 * there (search/pg-index.ts).
 */
export function ingest(
  config: Config,
  embeddings: TransformersEmbeddings,
  extra: IngestOptions = {},
): Promise<BuildReport> {
  if (!config.databaseUrl) return buildHere(config, embeddings, extra);
  return withSharedBuild(
    config.databaseUrl,
    config.indexDir,
    (shared) => buildHere(config, embeddings, { ...extra, onProgress: both(extra.onProgress, shared) }),
    { wait: true },
  );
}

/** A progress callback that calls both (either may be missing). */
function both(a: ((p: BuildProgress) => void) | undefined, b: (p: BuildProgress) => void): (p: BuildProgress) => void {
  return (p) => {
    a?.(p);
    b(p);
  };
}

/**
 * A first build when there is no index. With DATABASE_URL, replicas starting together build it once: the first
 * to take the lock builds and publishes, the others wait for it and take its generation.
 */
async function buildIfNone(config: Config, embeddings: TransformersEmbeddings): Promise<void> {
  if (!config.databaseUrl) {
    await ingest(config, embeddings);
    return;
  }
  await withSharedBuild(
    config.databaseUrl,
    config.indexDir,
    async () => {
      if (!indexExists(config.indexDir)) await buildHere(config, embeddings, {});
    },
    { wait: true },
  );
}

/**
 * Loads the model and the live index; with buildIfMissing, builds the index first when there is none or when
 * the one there cannot be used (built by another format, chunker or model).
 */
export async function createApp(
  config: Config,
  options: {
    buildIfMissing?: boolean;
    retrieval?: Partial<RetrievalOptions>;
    embeddings?: TransformersEmbeddings;
    log?: Logger;
  } = {},
): Promise<App> {
  const embeddings = options.embeddings ?? createEmbeddings(config);
  await embeddings.load();
  // With DATABASE_URL, INDEX_DIR is this process's copy of the database's live generation.
  if (config.databaseUrl) await pullGeneration(config.databaseUrl, config.indexDir);
  if (options.buildIfMissing && !indexExists(config.indexDir)) await buildIfNone(config, embeddings);
  let index: LoadedIndex;
  try {
    index = await loadIndex(config.indexDir, embeddings.modelName);
  } catch (err) {
    // After an upgrade (another index format, chunker or model), or with a damaged file (a checksum that does not
    // match, or any other failure to load), the start rebuilds from the documents instead of failing.
    if (!options.buildIfMissing) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    (options.log ?? createLogger(config)).warn("the index cannot be used; rebuilding it", {
      reason,
      damaged: !(err instanceof IndexError),
    });
    await ingest(config, embeddings);
    index = await loadIndex(config.indexDir, embeddings.modelName);
  }
  const retriever = new HybridRetriever({
    index,
    embeddings,
    options: { ...options.retrieval },
    search: await sqlSearch(config),
  });
  const llm = config.llm
    ? new LlmAnswerer(config.llm, options.log ?? createLogger(config), config.llmTimeoutMs)
    : undefined;
  return { config, embeddings, retriever, index, llm };
}

/**
 * With DATABASE_URL, the dense and BM25 searches of the generation INDEX_DIR serves run in PostgreSQL
 * (search/pg-search.ts); undefined (searched in process) without it, or for a generation the database lacks.
 */
async function sqlSearch(config: Config): Promise<SearchBackend | undefined> {
  if (!config.databaseUrl) return undefined;
  const id = await liveGeneration(config.indexDir);
  return id ? searchInDatabase(config.databaseUrl, id) : undefined;
}

export class ReindexBusyError extends Error {
  constructor() {
    super("a re-index is already running");
  }
}

/** How a re-index runs: in a worker process (the bot: killable, never stalls the chats) or in this process. */
export type BuildMode = "worker" | "inline";

type ReindexOptions = Partial<Pick<BuildOptions, "full" | "force" | "onProgress">> & {
  /** With DATABASE_URL, wait for a build running on another replica and build after it, rather than refuse. */
  queue?: boolean;
};

/**
 * The app that serves questions while the corpus changes: `current` is the last good index; `reindex` builds a
 * new one beside it (one at a time, in a worker process by default) and swaps it in only when complete. A
 * failed build changes nothing.
 */
export class LiveApp {
  private app: App;
  private running: Promise<BuildReport> | undefined;
  private latest: BuildProgress | undefined;
  private listeners = new Set<(p: BuildProgress) => void>();
  private followUp: Promise<BuildReport> | undefined;
  /** The generation served (its folder's name under INDEX_DIR), once known. */
  private generation: string | undefined;

  constructor(
    app: App,
    private readonly mode: BuildMode = "worker",
  ) {
    this.app = app;
  }

  get current(): App {
    return this.app;
  }

  get reindexing(): boolean {
    return this.running !== undefined;
  }

  /** The running build's latest progress, if one runs. */
  get progress(): BuildProgress | undefined {
    return this.running ? this.latest : undefined;
  }

  /** Runs a re-index now; throws ReindexBusyError when one is already running. */
  async reindex(options: ReindexOptions = {}): Promise<BuildReport> {
    if (this.running) throw new ReindexBusyError();
    this.latest = undefined;
    const onProgress = (p: BuildProgress): void => {
      this.latest = p;
      options.onProgress?.(p);
      for (const listener of this.listeners) listener(p);
    };
    this.running = this.build({ ...options, onProgress });
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * A re-index that includes every change made so far: now when none runs, otherwise once the running one ends
   * (callers waiting meanwhile share that one follow-up build).
   */
  reindexSoon(onProgress?: (p: BuildProgress) => void): Promise<BuildReport> {
    if (!this.running) return this.reindex({ onProgress, queue: true });
    if (!this.followUp) {
      const listener = onProgress;
      this.followUp = this.running
        .catch(() => undefined)
        .then(() => {
          this.followUp = undefined;
          return this.reindex({ onProgress: listener, queue: true });
        });
    } else if (onProgress) {
      this.listeners.add(onProgress);
      void this.followUp.finally(() => this.listeners.delete(onProgress));
    }
    return this.followUp;
  }

  private async build(options: ReindexOptions): Promise<BuildReport> {
    const { config, embeddings } = this.app;
    const inWorker = (shared?: (p: BuildProgress) => void): Promise<BuildReport> =>
      runInWorker<BuildReport>(
        {
          type: "build",
          settings: {
            docsDir: config.docsDir,
            indexDir: config.indexDir,
            modelsDir: config.modelsDir,
            embeddingModel: config.embeddingModel,
          },
          full: options.full,
          force: options.force,
        },
        BUILD_LIMITS,
        shared ? both(options.onProgress, shared) : options.onProgress,
      );
    const report =
      this.mode === "inline"
        ? await ingest(config, embeddings, options)
        : config.databaseUrl
          ? await withSharedBuild(config.databaseUrl, config.indexDir, inWorker, { wait: options.queue })
          : await inWorker();
    await this.load();
    return report;
  }

  /** Loads indexDir's live generation and serves it. */
  private async load(): Promise<void> {
    const { config, embeddings } = this.app;
    const index = await loadIndex(config.indexDir, embeddings.modelName);
    const search = await sqlSearch(config);
    const retriever = new HybridRetriever({ index, embeddings, options: this.app.retriever.options, search });
    this.app = { ...this.app, index, retriever };
    this.generation = await liveGeneration(config.indexDir);
  }

  /**
   * With DATABASE_URL and no build running in this process: the database's latest build (another replica's, when
   * `running`); undefined otherwise.
   */
  async sharedBuild(): Promise<SharedBuild | undefined> {
    const url = this.app.config.databaseUrl;
    if (!url || this.running) return undefined;
    return sharedBuild(url);
  }

  /**
   * With DATABASE_URL: serves each generation another replica publishes, as soon as it is announced (fetched
   * beside the served one and swapped in; a failure leaves the served one). Returns the function that stops.
   */
  followDatabase(log: Logger): () => Promise<void> {
    const url = this.app.config.databaseUrl;
    if (!url) return () => Promise.resolve();
    return followGenerations(
      url,
      async (id) => {
        this.generation ??= await liveGeneration(this.app.config.indexDir);
        // A build of this process publishes and loads its own generation.
        if (id === this.generation || this.running) return;
        await pullGeneration(url, this.app.config.indexDir);
        await this.load();
        log.info("serving the index generation another replica published", { generation: id });
      },
      (err) => log.warn("could not follow the database's index generations", { error: err }),
    );
  }
}

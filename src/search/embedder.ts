// Sentence embeddings with transformers.js, as a LangChain `Embeddings`. The bundled model is BAAI's
// bge-small-zh-v1.5 (int8 ONNX) loaded from MODELS_DIR with remote models off; CLS pooling, normalised
// vectors; a question is embedded as itself (BGE's retrieval instruction is an option, off: measured no better
// here). Documents are embedded in batches sorted by length, so that short texts are not padded to the length of
// long ones.
import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { env, pipeline, type FeatureExtractionPipeline } from "@huggingface/transformers";
import { DEFAULT_EMBEDDING_MODEL } from "../config.js";
import { toHalfWidth, toSimplified } from "../text/normalize.js";

/**
 * The form a text is embedded in: simplified characters and half-width ASCII, since bge-small-zh was trained
 * on simplified text (a DRCD passage in traditional characters is embedded as its simplified form). Quotes and
 * passages shown to users keep the original characters.
 */
export function textForEmbedding(text: string): string {
  return toSimplified(toHalfWidth(text));
}

/** Query vectors kept for repeated questions (the answerer and the retriever embed the same question). */
const QUERY_CACHE_SIZE = 64;

/** BGE's instruction for retrieval queries, for `queryInstruction` (not used by default). */
export const BGE_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

export class ModelMissingError extends Error {}

export interface EmbedderOptions {
  /** A transformers.js model id (looked up under modelsDir first) or a folder holding one. */
  model: string;
  modelsDir: string;
  /**
   * Texts embedded per model call (default 1). The bundled int8 model quantises its activations per call, so a
   * text's vector depends on the texts batched with it (up to 0.03 per component with 8): with one text per
   * call a sentence has the same vector whatever else is indexed, and adding a document changes no other
   * answer. Larger batches embed about twice as fast.
   */
  batchSize?: number;
  /**
   * Prepended to queries for passage retrieval only; none unless given. BGE's instruction
   * (BGE_QUERY_INSTRUCTION) was the default until measured against none with the re-order of passages by their
   * best sentence: hit@1 CMRC 0.973 vs 0.972, DRCD 0.958 vs 0.959, for a second embedding of every question
   * (the answerer compares the question as itself with sentences, embedQuestion).
   */
  queryInstruction?: string;
}

interface ResolvedModel {
  localRoot: string;
  id: string;
  local: boolean;
}

function resolveModel(model: string, modelsDir: string): ResolvedModel {
  const asFolder = isAbsolute(model) || model.startsWith(".") ? resolve(model) : undefined;
  if (asFolder && existsSync(asFolder)) return { localRoot: dirname(asFolder), id: basename(asFolder), local: true };
  if (existsSync(join(modelsDir, model))) return { localRoot: modelsDir, id: model, local: true };
  return { localRoot: modelsDir, id: model, local: false };
}

export class TransformersEmbeddings extends Embeddings {
  readonly modelName: string;
  private readonly options: EmbedderOptions;
  private extractor: Promise<FeatureExtractionPipeline> | undefined;
  private dimensions: number | undefined;
  private readonly queryCache = new Map<string, Promise<number[]>>();

  constructor(options: EmbedderOptions) {
    super({ maxConcurrency: 1 });
    this.options = options;
    this.modelName = options.model;
  }

  /** Loads the model once; later calls share it. Throws ModelMissingError with the command that fixes it. */
  load(): Promise<FeatureExtractionPipeline> {
    this.extractor ??= this.createExtractor();
    return this.extractor;
  }

  private async createExtractor(): Promise<FeatureExtractionPipeline> {
    const { model, modelsDir } = this.options;
    const resolved = resolveModel(model, modelsDir);
    if (!resolved.local && model === DEFAULT_EMBEDDING_MODEL) {
      throw new ModelMissingError(
        `The embedding model ${model} is missing from ${modelsDir}. ` +
          "Run `npm run fetch-model` (it needs the npm registry).",
      );
    }
    env.localModelPath = `${resolved.localRoot}/`;
    env.allowLocalModels = true;
    env.allowRemoteModels = !resolved.local;
    const quantized = existsSync(join(resolved.localRoot, resolved.id, "onnx", "model_quantized.onnx"));
    try {
      return await pipeline("feature-extraction", resolved.id, {
        dtype: quantized || !resolved.local ? "q8" : "fp32",
        session_options: { intraOpNumThreads: 2, interOpNumThreads: 1 },
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      if (model === DEFAULT_EMBEDDING_MODEL) {
        throw new ModelMissingError(
          `The embedding model in ${join(resolved.localRoot, resolved.id)} cannot be loaded (${detail}). ` +
            "Run `npm run fetch-model` to reinstall it.",
        );
      }
      throw new ModelMissingError(`EMBEDDING_MODEL=${model} cannot be loaded: ${detail}`);
    }
  }

  private queryInstruction(): string {
    return this.options.queryInstruction ?? "";
  }

  private async embedBatch(texts: string[]): Promise<number[][]> {
    const extractor = await this.load();
    const output = await extractor(texts, { pooling: "cls", normalize: true });
    const rows = output.tolist() as number[][];
    this.dimensions ??= rows[0]?.length;
    return rows;
  }

  /** Vectors for passages, in input order; batches are formed over texts sorted by length. */
  override async embedDocuments(texts: string[], onProgress?: (done: number) => void): Promise<number[][]> {
    const batchSize = this.options.batchSize ?? 1;
    const order = texts.map((_, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
    const result: number[][] = new Array<number[]>(texts.length);
    for (let i = 0; i < order.length; i += batchSize) {
      const ids = order.slice(i, i + batchSize);
      const vectors = await this.embedBatch(ids.map((id) => textForEmbedding(texts[id] ?? "")));
      ids.forEach((id, k) => {
        result[id] = vectors[k] ?? [];
      });
      onProgress?.(Math.min(i + batchSize, order.length));
    }
    return result;
  }

  /**
   * The query's vector (with the query instruction, if one is set), for retrieving passages; recent ones are
   * reused.
   */
  override embedQuery(text: string): Promise<number[]> {
    const input = `${this.queryInstruction()}${textForEmbedding(text)}`;
    return this.cached(input, () => input);
  }

  /**
   * The question's own vector, without the retrieval instruction: the form to compare it with single sentences.
   * BGE's instruction is for finding passages; as a sentence beside sentences the plain question picks the one
   * that answers it more often (CMRC 2018 dev: the gold sentence most similar in 798 of 1,184 questions against
   * 772 with the instruction; DRCD 899 both: scripts/sentence-vectors.ts).
   */
  embedQuestion(text: string): Promise<number[]> {
    // Without an instruction this is the query's own vector, embedded once for retrieval and answer alike.
    const input = textForEmbedding(text);
    return this.cached(input, () => input);
  }

  /** A vector from the cache of recent questions, or embedded now; most recently used last. */
  private cached(key: string, input: () => string): Promise<number[]> {
    let vector = this.queryCache.get(key);
    if (!vector) {
      vector = this.embedBatch([input()]).then(([v]) => v ?? []);
      vector.catch(() => this.queryCache.delete(key));
      this.queryCache.set(key, vector);
      if (this.queryCache.size > QUERY_CACHE_SIZE)
        this.queryCache.delete(this.queryCache.keys().next().value as string);
    } else {
      this.queryCache.delete(key);
      this.queryCache.set(key, vector);
    }
    return vector;
  }

  /** The vector size, known after the first embedding (512 for bge-small-zh-v1.5). */
  async dimension(): Promise<number> {
    if (this.dimensions === undefined) await this.embedBatch(["维度"]);
    return this.dimensions ?? 0;
  }
}

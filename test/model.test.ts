// The bundled embedding model loads from models/ with the network off (any fetch fails the test), embeds to
// 512 normalised dimensions, and puts a question closer to its answer than to an unrelated passage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { BGE_QUERY_INSTRUCTION, ModelMissingError, TransformersEmbeddings } from "../src/search/embedder.js";

const realFetch = globalThis.fetch;
const fetched: string[] = [];

beforeAll(() => {
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0]) => {
    fetched.push(String(input));
    throw new Error("network is off in this test");
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe("bundled bge-small-zh-v1.5", () => {
  it("loads offline and embeds queries and passages", async () => {
    const config = loadConfig({});
    const embeddings = new TransformersEmbeddings({ model: config.embeddingModel, modelsDir: config.modelsDir });
    const [answer, unrelated] = await embeddings.embedDocuments([
      "淄博市第九批援藏工作组对口支援西藏自治区日喀则市昂仁县。",
      "定西市马铃薯平均亩产由2500斤跃升到8500斤。",
    ]);
    const query = await embeddings.embedQuery("淄博援藏工作组支援哪个县？");
    expect(query).toHaveLength(512);
    expect(Math.abs(dot(query, query) - 1)).toBeLessThan(1e-3);
    expect(dot(query, answer!)).toBeGreaterThan(dot(query, unrelated!));
    expect(await embeddings.dimension()).toBe(512);
    expect(fetched).toEqual([]);
  });

  it("embeds a question as itself, once for retrieval and sentences alike, and reuses recent vectors", async () => {
    const config = loadConfig({});
    const embeddings = new TransformersEmbeddings({ model: config.embeddingModel, modelsDir: config.modelsDir });
    const question = "淄博援藏工作組支援哪個縣？";
    const asItself = await embeddings.embedQuestion(question);
    const [asDocument] = await embeddings.embedDocuments([question]);
    // The document form of the question (traditional characters simplified), one cached vector for both uses.
    expect(dot(asItself, asDocument!)).toBeGreaterThan(0.9999);
    expect(embeddings.embedQuery(question)).toBe(embeddings.embedQuestion(question));
    expect(await embeddings.embedQuestion(question)).toBe(asItself);
    // With BGE's retrieval instruction set, queries get it and the question as itself does not.
    const instructed = new TransformersEmbeddings({
      model: config.embeddingModel,
      modelsDir: config.modelsDir,
      queryInstruction: BGE_QUERY_INSTRUCTION,
    });
    const query = await instructed.embedQuery(question);
    expect(dot(query, asItself)).toBeLessThan(0.99);
    expect(dot(await instructed.embedQuestion(question), asItself)).toBeGreaterThan(0.9999);
  });

  it("says which command to run when the model files are missing", async () => {
    const embeddings = new TransformersEmbeddings({
      model: "BAAI/bge-small-zh-v1.5",
      modelsDir: "/nonexistent/models",
    });
    await expect(embeddings.load()).rejects.toThrow(ModelMissingError);
    await expect(embeddings.load()).rejects.toThrow(/npm run fetch-model/);
    expect(fetched).toEqual([]);
  });
});

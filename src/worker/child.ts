// The worker process: runs one task the bot hands it (read an uploaded document, or build the index) and
// exits. Parsers and the index build run here, never in the bot's process, so a hostile file or a long build
// cannot stall the chats and can always be killed. It exits when the bot goes away.
import { DocumentError, loadDocument } from "../corpus/load.js";
import { chunkDocument, DEFAULT_CHUNK_OPTIONS } from "../corpus/chunk.js";
import { figureTable } from "../facts/table.js";
import { TransformersEmbeddings } from "../search/embedder.js";
import { IndexLockedError, buildIndex } from "../search/index-store.js";
import type { WorkerReply, WorkerTask } from "./protocol.js";

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(reply, () => resolve());
  });
}

async function runTask(task: WorkerTask): Promise<void> {
  if (task.type === "read") {
    // The same per-document steps as the build, so a file that would fail the build fails here, by name.
    const doc = await loadDocument(task.path, task.name);
    const chunks = chunkDocument(doc, DEFAULT_CHUNK_OPTIONS).length;
    const figures = figureTable(task.name, doc.title, doc.text).length;
    const { title, encoding, replaced } = doc;
    await send({ type: "result", value: { title, chars: doc.text.length, encoding, replaced, chunks, figures } });
    return;
  }
  const { settings } = task;
  const embeddings = new TransformersEmbeddings({ model: settings.embeddingModel, modelsDir: settings.modelsDir });
  await embeddings.load();
  const report = await buildIndex({
    docsDir: settings.docsDir,
    indexDir: settings.indexDir,
    embeddings,
    chunkOptions: DEFAULT_CHUNK_OPTIONS,
    full: task.full,
    force: task.force,
    onProgress: (progress) => void send({ type: "progress", progress }),
  });
  await send({ type: "result", value: report });
}

process.on("disconnect", () => process.exit(1));
process.once("message", (task: WorkerTask) => {
  runTask(task)
    .catch(async (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      await send({
        type: "error",
        name: error.constructor.name,
        message: error.message,
        ...(err instanceof DocumentError ? { problem: err.problem } : {}),
        ...(err instanceof IndexLockedError ? { holder: err.holder } : {}),
      });
    })
    .finally(() => process.exit(0));
});

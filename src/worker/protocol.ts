// The messages between the bot and its worker process: one task in, progress and one result or error out.
import type { DocumentProblem } from "../corpus/load.js";
import type { BuildProgress, BuildReport } from "../search/index-store.js";

/** The settings a worker needs (plain data: it crosses a process boundary). */
export interface WorkerSettings {
  docsDir: string;
  indexDir: string;
  modelsDir: string;
  embeddingModel: string;
}

export type WorkerTask =
  | { type: "build"; settings: WorkerSettings; full?: boolean; force?: boolean }
  | { type: "read"; path: string; name: string };

/** What a `read` task gives back: the document's title and size, for the admin's confirmation. */
export interface ReadSummary {
  title: string;
  chars: number;
  /** Text files: the encoding read, and stray bytes replaced. */
  encoding?: string;
  replaced?: number;
  /** Passages and rows of figures the document gives: the build's own per-document steps, run on the upload. */
  chunks: number;
  figures: number;
}

export type WorkerReply =
  | { type: "progress"; progress: BuildProgress }
  | { type: "result"; value: BuildReport | ReadSummary }
  | { type: "error"; name: string; message: string; problem?: DocumentProblem; holder?: number };

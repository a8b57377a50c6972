// One typed schema for every setting: `.env` and the environment in, a frozen Config out.
// Every key here is listed in .env.example; CLI flags override the folders.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { config as loadDotenv } from "dotenv";

export const DEFAULT_EMBEDDING_MODEL = "BAAI/bge-small-zh-v1.5";

export interface Config {
  botToken: string | undefined;
  telegramApiRoot: string;
  adminIds: number[];
  docsDir: string;
  indexDir: string;
  modelsDir: string;
  embeddingModel: string;
  llm: { baseUrl: string; apiKey: string | undefined; model: string } | undefined;
  /** How long a language-model answer may take before the extractive answer is shown instead. */
  llmTimeoutMs: number;
  feedbackFile: string;
  /** JSON Lines record of every admin action and every refused attempt, with the user's id. */
  auditFile: string;
  /** Where /remove moves documents (one folder per removal), for /restore or a person to bring back. */
  trashDir: string;
  /** Lowest log level written: debug, info, warn or error. */
  logLevel: "debug" | "info" | "warn" | "error";
  /** Users' questions in log lines at every level (otherwise only at debug level). */
  logQuestions: boolean;
  /** When set, GET /healthz on this port (127.0.0.1) answers with the bot's figures as JSON. */
  healthPort: number | undefined;
}

export class ConfigError extends Error {}

function parseAdminIds(raw: string | undefined): number[] {
  if (!raw || raw.trim() === "") return [];
  return raw.split(",").map((part) => {
    const id = Number(part.trim());
    if (!Number.isSafeInteger(id)) throw new ConfigError(`ADMIN_IDS: "${part.trim()}" is not a Telegram user id`);
    return id;
  });
}

function parseLogLevel(raw: string | undefined): Config["logLevel"] {
  if (!raw) return "info";
  const level = raw.toLowerCase();
  if (level === "debug" || level === "info" || level === "warn" || level === "error") return level;
  throw new ConfigError(`LOG_LEVEL: "${raw}" is not one of debug, info, warn, error`);
}

function parsePort(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`HEALTH_PORT: "${raw}" is not a port number`);
  return port;
}

/** Reads `.env` (if present, without overriding real environment variables) and returns the settings. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  if (env === process.env && existsSync(".env")) loadDotenv({ path: ".env", quiet: true });
  const value = (key: string): string | undefined => {
    const v = env[key]?.trim();
    return v ? v : undefined;
  };
  const llmBaseUrl = value("LLM_BASE_URL");
  const llmTimeoutMs = Number(value("LLM_TIMEOUT_MS") ?? 10_000);
  if (!Number.isFinite(llmTimeoutMs) || llmTimeoutMs <= 0)
    throw new ConfigError(`LLM_TIMEOUT_MS: "${value("LLM_TIMEOUT_MS")}" is not a positive number of milliseconds`);
  const config: Config = {
    botToken: value("BOT_TOKEN"),
    telegramApiRoot: value("TELEGRAM_API_ROOT") ?? "https://api.telegram.org",
    adminIds: parseAdminIds(value("ADMIN_IDS")),
    docsDir: resolve(value("DOCS_DIR") ?? "seeds"),
    indexDir: resolve(value("INDEX_DIR") ?? "index"),
    modelsDir: resolve(value("MODELS_DIR") ?? "models"),
    embeddingModel: value("EMBEDDING_MODEL") ?? DEFAULT_EMBEDDING_MODEL,
    llm: llmBaseUrl
      ? { baseUrl: llmBaseUrl, apiKey: value("LLM_API_KEY"), model: value("LLM_MODEL") ?? "default" }
      : undefined,
    llmTimeoutMs,
    feedbackFile: resolve(value("FEEDBACK_FILE") ?? "feedback/feedback.jsonl"),
    auditFile: resolve(value("AUDIT_FILE") ?? "audit/audit.jsonl"),
    trashDir: resolve(value("TRASH_DIR") ?? "trash"),
    logLevel: parseLogLevel(value("LOG_LEVEL")),
    logQuestions: value("LOG_QUESTIONS") === "1" || value("LOG_QUESTIONS") === "true",
    healthPort: parsePort(value("HEALTH_PORT")),
  };
  return Object.freeze({ ...config, ...overrides });
}

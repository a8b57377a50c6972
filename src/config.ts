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
  /**
   * Webhook mode (WEBHOOK_URL, WEBHOOK_SECRET, PORT): Telegram posts updates to `url`, which reaches this process
   * (directly or through a load balancer) on `port`; `secret` is the token Telegram sends with every update.
   * Unset: long polling.
   */
  webhook: { url: string; secret: string; port: number } | undefined;
  /** postgres://… of a PostgreSQL with pgvector: the bot's state (and, to come, the index) shared by replicas. */
  databaseUrl: string | undefined;
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

function parsePort(raw: string | undefined, key = "HEALTH_PORT"): number | undefined {
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${key}: "${raw}" is not a port number`);
  return port;
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError("DATABASE_URL: not a postgres:// URL");
  return raw;
}

/** The port webhook mode listens on when PORT is not set. */
export const DEFAULT_WEBHOOK_PORT = 8080;

/** WEBHOOK_URL with its secret (Telegram's rule for secret_token: 1–256 of A–Z, a–z, 0–9, _ and -) and port. */
function parseWebhook(
  url: string | undefined,
  secret: string | undefined,
  port: string | undefined,
): Config["webhook"] {
  if (!url) {
    if (secret) throw new ConfigError("WEBHOOK_SECRET is set but WEBHOOK_URL is not: set both for webhook mode");
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`WEBHOOK_URL: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new ConfigError(`WEBHOOK_URL: "${url}" is not an http(s) URL (Telegram needs https)`);
  if (!secret) throw new ConfigError("WEBHOOK_URL needs WEBHOOK_SECRET: the token that tells Telegram's posts apart");
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw new ConfigError("WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)");
  return { url, secret, port: parsePort(port, "PORT") ?? DEFAULT_WEBHOOK_PORT };
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
    webhook: parseWebhook(value("WEBHOOK_URL"), value("WEBHOOK_SECRET"), value("PORT")),
    databaseUrl: parseDatabaseUrl(value("DATABASE_URL")),
  };
  return Object.freeze({ ...config, ...overrides });
}

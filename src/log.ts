// Logging to stderr, one line per event that a person can read: time, level, what happened, then key=value
// context (chat, user, ms …). Secrets never reach a line: the bot token and the LLM API key are removed, even
// inside an error message that carries a request URL. Users' questions are logged only at debug level, or at
// any level when LOG_QUESTIONS=1 (a deployment may not want them in its logs).
import type { Config } from "./config.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /** A user's question as a context value: kept when questions may be logged, "[hidden]" otherwise. */
  question(text: string): string;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Characters that would let a file name or a question rewrite the log as a terminal shows it: control characters
 * (an ANSI escape, a line break that forges a second line), bidi controls that reorder text, invisible marks.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A log line with every unsafe character written as its \\u escape. */
export function escapeUnsafe(line: string): string {
  return line.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function redactor(config: Pick<Config, "botToken" | "llm">): (text: string) => string {
  const secrets = [config.botToken, config.llm?.apiKey].filter((s): s is string => !!s && s.length >= 6);
  return (text: string) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join("***");
    // Anything shaped like a bot token (123456:ABC…) is hidden too.
    return out.replace(/\b\d{6,12}:[A-Za-z0-9_-]{30,}\b/g, "***");
  };
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === "string") return /^[^\s"=]+$/u.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return "-";
  if (typeof value === "object" && value !== null)
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  return String(value);
}

/** `key=value key2="a b"` for a line's context; undefined values are left out. */
export function formatContext(context: Record<string, unknown> | undefined): string {
  if (!context) return "";
  const parts = Object.entries(context)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return parts.length ? ` ${parts.join(" ")}` : "";
}

export interface LoggerOptions {
  /** Lowest level written (default info; LOG_LEVEL). */
  level?: LogLevel;
  /** Write users' questions at every level (LOG_QUESTIONS=1); otherwise only at debug level. */
  logQuestions?: boolean;
}

export function createLogger(
  config: Pick<Config, "botToken" | "llm"> & Partial<Pick<Config, "logLevel" | "logQuestions">>,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  options: LoggerOptions = {},
): Logger {
  const redact = redactor(config);
  const level = options.level ?? config.logLevel ?? "info";
  const questions = options.logQuestions ?? config.logQuestions ?? false;
  const emit = (at: LogLevel, message: string, context?: Record<string, unknown>): void => {
    if (ORDER[at] < ORDER[level]) return;
    const line = `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${message}${formatContext(context)}`;
    write(escapeUnsafe(redact(line)));
  };
  return {
    debug: (m, c) => emit("debug", m, c),
    info: (m, c) => emit("info", m, c),
    warn: (m, c) => emit("warn", m, c),
    error: (m, c) => emit("error", m, c),
    question: (text) => (questions || level === "debug" ? text.slice(0, 200) : "[hidden]"),
  };
}

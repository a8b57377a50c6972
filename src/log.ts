// Logging to stderr with secrets removed: the bot token and the LLM API key never reach a log line, even
// inside an error message that carries a request URL.
import type { Config } from "./config.js";

export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
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

export function createLogger(config: Pick<Config, "botToken" | "llm">, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const redact = redactor(config);
  const emit = (level: string, message: string, context?: Record<string, unknown>): void => {
    const ctx = context ? ` ${JSON.stringify(context, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}` : "";
    write(redact(`${new Date().toISOString()} ${level} ${message}${ctx}`));
  };
  return {
    info: (m, c) => emit("INFO", m, c),
    warn: (m, c) => emit("WARN", m, c),
    error: (m, c) => emit("ERROR", m, c),
  };
}

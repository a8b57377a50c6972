// Tiny flag parser shared by the CLI entry points: `--name value`, `--flag`, and positional words.
import { resolve } from "node:path";
import { loadConfig, type Config } from "../config.js";
export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** An unknown flag or a malformed call: the message says what was wrong; the caller prints its usage. */
export class UsageError extends Error {}

/**
 * Parses `--name value`, `--name=value`, `--flag` and positional words. With `valueFlags` given, a flag that is
 * neither boolean nor a value flag is a UsageError rather than silently ignored.
 */
export function parseArgs(
  argv: string[],
  booleanFlags: readonly string[] = [],
  valueFlags?: readonly string[],
): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (valueFlags && !booleanFlags.includes(name) && !valueFlags.includes(name)) {
        throw new UsageError(`unknown option --${name}`);
      }
      if (inline !== undefined) flags.set(name, inline);
      else if (booleanFlags.includes(name) || i + 1 >= argv.length || (argv[i + 1] ?? "").startsWith("--"))
        flags.set(name, true);
      else flags.set(name, argv[++i] ?? "");
    } else positional.push(arg);
  }
  return { flags, positional };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} takes a number, got "${v}"`);
  return n;
}

/** Runs a CLI main function: errors go to stderr as one clear line (with the usage for a UsageError), exit 1. */
export function runMain(main: () => Promise<void>, usage?: string): void {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof UsageError && usage) console.error(usage);
    if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
    process.exit(1);
  });
}

/** The settings, with `--docs DIR` and `--index DIR` overriding DOCS_DIR and INDEX_DIR. */
export function configFromArgs(args: ParsedArgs): Config {
  const docs = stringFlag(args, "docs");
  const index = stringFlag(args, "index");
  return loadConfig(process.env, {
    ...(docs ? { docsDir: resolve(docs) } : {}),
    ...(index ? { indexDir: resolve(index) } : {}),
  });
}

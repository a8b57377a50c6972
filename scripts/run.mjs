// Runs a command of the compiled code: `node scripts/run.mjs ask --json …` compiles src/ first when it changed
// (scripts/build.mjs), then runs dist/src/cli/ask.js in this same process with the given arguments.
import { pathToFileURL } from "node:url";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "./build.mjs";

const COMMANDS = new Set(["start", "ask", "ingest", "bench"]);
const [command, ...rest] = process.argv.slice(2);
if (!command || !COMMANDS.has(command)) {
  process.stderr.write(`usage: node scripts/run.mjs <${[...COMMANDS].join("|")}> [arguments]\n`);
  process.exit(2);
}
ensureBuilt();
process.argv = [
  process.argv[0],
  join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "src", "cli", `${command}.js`),
  ...rest,
];
await import(pathToFileURL(process.argv[1]).href);

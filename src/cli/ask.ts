// `npm run --silent ask -- [--index DIR] [--json] ["问题"]`: answers one question, or (with no question and
// --json) every line of stdin as JSON Lines, loading model and index once. stdout holds only answers; logs and
// errors go to stderr.
import { createInterface } from "node:readline";
import { createApp } from "../app.js";
import { answer } from "../answer/llm.js";
import { renderPlain } from "../answer/render.js";
import { configFromArgs, parseArgs, runMain } from "./args.js";

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["json"]);
  const config = configFromArgs(args);
  const json = args.flags.has("json");
  const question = args.positional.join(" ").trim();
  const app = await createApp(config);
  const print = (text: string): Promise<void> =>
    new Promise((done) => {
      if (process.stdout.write(`${text}\n`)) done();
      else process.stdout.once("drain", done);
    });

  if (question) {
    const result = await answer(app, question);
    await print(json ? JSON.stringify(result) : renderPlain(result));
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const q = line.trim();
    if (!q) continue;
    const result = await answer(app, q);
    await print(json ? JSON.stringify(result) : `${renderPlain(result)}\n`);
  }
});

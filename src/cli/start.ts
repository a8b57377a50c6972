// `npm start`: the Telegram bot when BOT_TOKEN is set, otherwise a chat in the terminal over the same
// pipeline. Builds the index first when it is missing.
import { createInterface } from "node:readline/promises";
import { createApp } from "../app.js";
import { answer } from "../answer/llm.js";
import { renderPlain } from "../answer/render.js";
import { loadConfig } from "../config.js";
import { runMain } from "./args.js";

const MAX_QUESTION_CHARS = 500;

runMain(async () => {
  const config = loadConfig();
  if (config.botToken) {
    const { startBot } = await import("../bot/bot.js");
    await startBot(config);
    return;
  }
  console.error("BOT_TOKEN is not set: starting the terminal chat (set it in .env to run the Telegram bot).");
  console.error("Loading the model and the index (the first start builds the index from the documents) …");
  const app = await createApp(config, { buildIfMissing: true });
  const files = Object.keys(app.index.manifest.files).length;
  console.log(`对口支援资料问答：已载入 ${files} 份文件、${app.index.chunks.length} 个段落。输入问题并回车，输入 exit 或按 Ctrl+D 退出。`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt("问> ");
  rl.prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === "exit" || q === "quit") break;
    if (!q) {
      rl.prompt();
      continue;
    }
    if (q.length > MAX_QUESTION_CHARS) console.log(`问题太长了（${q.length} 字），请控制在 ${MAX_QUESTION_CHARS} 字以内。`);
    else console.log(`\n${renderPlain(await answer(app, q))}\n`);
    rl.prompt();
  }
  rl.close();
});

// `npm start`: the Telegram bot when BOT_TOKEN is set, otherwise a chat in the terminal over the same
// pipeline, with the bot's behaviour: follow-up questions, /help and /docs, a hint to ask in Chinese, the same
// refusal wording. Builds the index first when it is missing.
import { createInterface } from "node:readline/promises";
import { createApp } from "../app.js";
import { ChatMemory, resolveFollowUp } from "../chat/follow-up.js";
import { MAX_QUESTION_CHARS, helpPlain, nonChineseHint, tooLongMessage } from "../chat/help.js";
import { answer, mayHaveMorePoints, morePoints, type AnswerResult } from "../answer/index.js";
import { renderPlain } from "../chat/plain.js";
import { loadConfig } from "../config.js";
import { runMain } from "./args.js";

/** The terminal chat is one conversation: its follow-ups resolve against this id's previous turn. */
const TERMINAL_CHAT = 0;

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
  const files = app.index.manifest.files;
  const memory = new ChatMemory();
  console.log(
    `对口支援资料问答：已载入 ${Object.keys(files).length} 份文件、${app.index.chunks.length} 个段落。输入问题并回车；/help 查看说明，exit 或 Ctrl+D 退出。`,
  );
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt("问> ");
  rl.prompt();
  // The last answer, for 更多 (an open question's further points, as the bot's button gives them).
  let last: AnswerResult | undefined;
  for await (const line of rl) {
    const q = line.trim();
    if (q === "exit" || q === "quit" || q === "/exit") break;
    if (!q) {
      rl.prompt();
      continue;
    }
    if (q === "/help" || q === "/start") console.log(helpPlain(Object.values(files).map((f) => f.title)));
    else if (q === "/docs")
      console.log(
        Object.entries(files)
          .map(([name, f], i) => `${i + 1}. ${name} · ${f.title}`)
          .join("\n"),
      );
    else if (q === "更多" || q === "/more") {
      const more = last ? await morePoints(app, last) : undefined;
      last = undefined;
      console.log(more ? `\n${renderPlain(more)}\n` : "没有更多要点了。");
    } else if (q.length > MAX_QUESTION_CHARS) console.log(tooLongMessage(q.length));
    else if (nonChineseHint(q)) console.log(nonChineseHint(q));
    else {
      const standalone = resolveFollowUp(q, memory.get(TERMINAL_CHAT));
      memory.remember(TERMINAL_CHAT, standalone);
      if (standalone !== q) console.log(`（理解为：${standalone}）`);
      last = await answer(app, standalone);
      console.log(`\n${renderPlain(last)}\n`);
      if (mayHaveMorePoints(last)) console.log("（输入“更多”查看其余要点）\n");
    }
    rl.prompt();
  }
  rl.close();
});

// `npm run --silent ask -- [--index DIR] [--json] ["问题"]`: answers one question, or (with no question) every
// line of stdin, loading model and index once. With --json, exactly one JSON object per input line, in order,
// blank lines included (../shared/CONTRACT.md). stdout holds only answers; logs and errors go to stderr.
import { createInterface } from "node:readline";
import { createApp } from "../app.js";
import { MAX_QUESTION_CHARS, tooLongMessage } from "../chat/help.js";
import { answer } from "../answer/index.js";
import { renderPlain } from "../chat/plain.js";
import type { AnswerResult } from "../answer/types.js";
import { configFromArgs, parseArgs, runMain } from "./args.js";

const USAGE =
  'usage: npm run --silent ask -- [--docs DIR] [--index DIR] [--json] ["问题"]   (no question: one per stdin line)';

/** The JSON line for an input line that cannot be asked: not answered, with the reason. */
function unusable(question: string, error: string, message: string): AnswerResult {
  return { question, answered: false, mode: "extractive", answer: message, citations: [], passages: [], error };
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ["json"], ["docs", "index"]);
  const config = configFromArgs(args);
  const json = args.flags.has("json");
  const question = args.positional.join(" ").trim();
  const app = await createApp(config);
  const print = (text: string): Promise<void> =>
    new Promise((done) => {
      if (process.stdout.write(`${text}\n`)) done();
      else process.stdout.once("drain", done);
    });

  const answerLine = async (line: string): Promise<AnswerResult> => {
    const q = line.trim();
    if (!q) return unusable(line, "empty question", "请输入一个问题。");
    if (q.length > MAX_QUESTION_CHARS) {
      return unusable(q, `question longer than ${MAX_QUESTION_CHARS} characters`, tooLongMessage(q.length));
    }
    try {
      return await answer(app, q);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      console.error(`[ask] failed on "${q.slice(0, 80)}": ${detail}`);
      return unusable(q, detail, "回答这个问题时出错了，请稍后再试。");
    }
  };

  if (question) {
    const result = await answerLine(question);
    await print(json ? JSON.stringify(result) : renderPlain(result));
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!json && !line.trim()) continue;
    const result = await answerLine(line);
    await print(json ? JSON.stringify(result) : `${renderPlain(result)}\n`);
  }
}, USAGE);

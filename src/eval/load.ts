// Users asking the bot through the Bot API emulator: all users at once, each asking its questions one after
// another and waiting for the answer (its 👍 button) before the next. The load of `npm run bench` (the bot in
// this process) and of `--replicas` (several bot processes behind a balancer): answers per second and latency.
import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { botMessages, userClient, waitForMessage } from "../harness/emulator.js";
import { percentile } from "./metrics.js";

export interface BotLoad {
  users: number;
  questionsPerUser: number;
  answers: number;
  /** Questions with no answer within a minute. */
  errors: number;
  seconds: number;
  answersPerSecond: number;
  latencyMsP50: number;
  latencyMsP95: number;
}

/** `users` users (ids from `firstUserId`) each asking `perUser` of the questions, all users at once. */
export async function usersAsking(
  server: TelegramServer,
  questions: string[],
  options: { users: number; perUser: number; firstUserId: number },
): Promise<BotLoad> {
  const { users, perUser, firstUserId } = options;
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      const userId = firstUserId + u;
      const client = userClient(server, userId);
      for (let i = 0; i < perUser; i++) {
        const question = questions[(u * perUser + i) % questions.length] ?? "";
        const before = botMessages(server, userId).length;
        const sent = performance.now();
        try {
          await client.sendMessage(client.makeMessage(question));
          await waitForMessage(server, userId, (m) => m.buttons.some((b) => b.text === "👍"), {
            after: before,
            timeoutMs: 60_000,
          });
          latencies.push(performance.now() - sent);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    users,
    questionsPerUser: perUser,
    answers: latencies.length,
    errors,
    seconds: Number(seconds.toFixed(2)),
    answersPerSecond: Number((latencies.length / seconds).toFixed(1)),
    latencyMsP50: Math.round(percentile(latencies, 50)),
    latencyMsP95: Math.round(percentile(latencies, 95)),
  };
}

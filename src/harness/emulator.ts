// Test and benchmark harness: the real bot, polling a Bot API emulator (telegram-test-api) over HTTP on localhost.
// Shared by test/ and `npm run bench` (src/cli/bench.ts), so it lives in src/ and the build has no test file in it.
import { createServer } from "node:net";
import { createServer as createHttpServer, request, type Server as HttpServer } from "node:http";
import type { RunnerHandle } from "@grammyjs/runner";
import { run } from "@grammyjs/runner";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { Bot } from "grammy";
import { LiveApp } from "../app.js";
import { createBot, registerCommands, type BotOptions } from "../bot/bot.js";
import type { BotContext } from "../bot/admin.js";
import type { Config } from "../config.js";
import { createLogger } from "../log.js";

export const TOKEN = "emulator-test-token";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface BotMessage {
  messageId: number;
  chatId: number;
  text: string;
  parseMode?: string;
  buttons: { text: string; data: string }[];
  replyTo?: number;
}

type Server = TelegramServer;

export interface Harness {
  server: Server;
  bot: Bot<BotContext>;
  runner: RunnerHandle;
  logs: string[];
  /** setMyCommands calls, when the file proxy (which also answers them) is on. */
  commandMenus: unknown[];
  /** The texts the bot answered button presses with (the emulator accepts them without keeping them). */
  callbackAnswers: { id: string; text?: string }[];
  stop: () => Promise<void>;
}

/** What the proxy keeps of a bot's setWebhook, as Telegram does: where to post and the secret to send. */
export interface WebhookTarget {
  url: string;
  secret?: string;
}

export interface ApiProxy {
  url: string;
  server: HttpServer;
  /** The webhook the bot set (setWebhook through the proxy), if any. */
  webhook: () => WebhookTarget | undefined;
  /** The status of every post of an update to the bot (a failed one is posted again). */
  posts: number[];
  /** Posts the last relayed update again, as Telegram does when it saw no answer; the final status. */
  redeliver: () => Promise<number>;
  /**
   * Resolves once no relayed update is still being delivered, or after `ms`. Call it before stopping the bots and
   * closing this proxy: the emulator does not catch a post it had open when the proxy closed it, and that
   * rejection ends the whole process (a bench run once died so between its two phases).
   */
  settled: (ms: number) => Promise<void>;
  /** Closes the proxy and every connection to it (after `settled`, once the bots are stopped). */
  close: () => Promise<void>;
}

/**
 * The emulator has no getFile, file downloads or setMyCommands, and posts webhook updates without Telegram's
 * secret header: this proxy in front of it serves them (files from `files`, file_id → bytes; command menus
 * recorded; setWebhook kept here, the emulator told to post to the proxy, which relays each update to the bot's
 * URL with `X-Telegram-Bot-Api-Secret-Token`), as a Bot API server does, and forwards every other request.
 */
export async function startApiProxy(
  emulator: Server,
  options: { files?: Map<string, Uint8Array>; commandMenus?: unknown[] } = {},
): Promise<ApiProxy> {
  const target = new URL(emulator.config.apiURL);
  const files = options.files ?? new Map<string, Uint8Array>();
  let webhook: WebhookTarget | undefined;
  let ownUrl = "";
  let lastUpdate: Buffer | undefined;
  const posts: number[] = [];
  let relayed = 100_000;
  let relaying = 0;
  // One post of an update to the bot's URL with the secret header; its status (502 when it could not be made).
  const post = (body: Buffer): Promise<number> =>
    new Promise((resolve) => {
      if (!webhook) return resolve(502);
      const to = new URL(webhook.url);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (webhook.secret) headers["x-telegram-bot-api-secret-token"] = webhook.secret;
      const relay = request(
        { host: to.hostname, port: to.port, path: to.pathname + to.search, method: "POST", headers },
        (upstream) => {
          upstream.resume();
          upstream.on("end", () => resolve(upstream.statusCode ?? 502));
        },
      );
      relay.on("error", () => resolve(502));
      relay.end(body);
    });
  // As Telegram does, an update whose post failed (no connection, a 5xx) is posted again: after 200 ms, then
  // backing off to 2 s between posts, for up to a minute.
  const deliver = async (body: Buffer): Promise<number> => {
    let status = 502;
    const until = Date.now() + 60_000;
    for (let attempt = 0; ; attempt++) {
      status = await post(body);
      posts.push(status);
      if (status < 500 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
    }
    return status;
  };
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      };
      const download = /^\/file\/bot[^/]+\/documents\/(.+)$/.exec(path);
      if (download) {
        const bytes = files.get(decodeURIComponent(download[1] ?? ""));
        if (!bytes) res.writeHead(404).end();
        else res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from(bytes));
        return;
      }
      if (/^\/bot[^/]+\/setMyCommands$/.test(path)) {
        options.commandMenus?.push(JSON.parse(body.toString() || "{}"));
        return reply(200, { ok: true, result: true });
      }
      const hook = /^\/bot([^/]+)\/(setWebhook|deleteWebhook)$/.exec(path);
      if (hook) {
        const token = decodeURIComponent(hook[1] ?? "");
        if (hook[2] === "setWebhook") {
          const p = JSON.parse(body.toString() || "{}") as { url?: string; secret_token?: string };
          if (!p.url) return reply(400, { ok: false, error_code: 400, description: "Bad Request: bad webhook" });
          webhook = { url: p.url, secret: p.secret_token };
          emulator.setWebhook({ url: `${ownUrl}/__relay` }, token);
        } else {
          webhook = undefined;
          emulator.deleteWebhook(token);
        }
        return reply(200, { ok: true, result: true });
      }
      if (path === "/__relay" && webhook) {
        // The emulator numbers an update only once its post is answered, so updates posted while another is
        // being handled share an id; Telegram's ids are unique, and the relay numbers them so.
        const update = JSON.parse(body.toString() || "{}") as { update_id?: number };
        update.update_id = ++relayed;
        lastUpdate = Buffer.from(JSON.stringify(update));
        relaying++;
        void deliver(lastUpdate)
          .then((status) => res.writeHead(status).end())
          .finally(() => relaying--);
        return;
      }
      if (/^\/bot[^/]+\/getFile$/.test(path)) {
        const { file_id: id } = JSON.parse(body.toString() || "{}") as { file_id?: string };
        const bytes = id ? files.get(id) : undefined;
        const reply = bytes
          ? {
              ok: true,
              result: { file_id: id, file_unique_id: `u-${id}`, file_size: bytes.length, file_path: `documents/${id}` },
            }
          : { ok: false, error_code: 400, description: "Bad Request: invalid file_id" };
        res.writeHead(bytes ? 200 : 400, { "content-type": "application/json" }).end(JSON.stringify(reply));
        return;
      }
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on("error", () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  // The emulator keeps its connections to the relay alive: a server closing an idle one (5 s by default) as the
  // emulator reuses it resets the post, which the emulator does not catch.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  ownUrl = `http://127.0.0.1:${port}`;
  return {
    url: ownUrl,
    server,
    webhook: () => webhook,
    posts,
    redeliver: () => (lastUpdate ? deliver(lastUpdate) : Promise.resolve(0)),
    settled: async (ms) => {
      const until = Date.now() + ms;
      while (relaying > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Starts the emulator and the bot (with the runner) over the given live app; `files` enables uploads. */
export async function startHarness(
  config: Config,
  live: LiveApp,
  options: BotOptions = {},
  files?: Map<string, Uint8Array>,
): Promise<Harness> {
  const port = await freePort();
  const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const commandMenus: unknown[] = [];
  const proxy = files ? await startApiProxy(server, { files, commandMenus }) : undefined;
  const cfg: Config = { ...config, botToken: TOKEN, telegramApiRoot: proxy?.url ?? server.config.apiURL };
  const logs: string[] = [];
  const log = createLogger(cfg, (line) => logs.push(line));
  const bot = createBot(cfg, live, log, options);
  // The emulator answers getUpdates at once; a short pause on an empty batch keeps the poll loop gentle.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (method === "getUpdates" && res.ok && Array.isArray(res.result) && res.result.length === 0) {
      await new Promise((r) => setTimeout(r, 30));
    }
    return res;
  });
  const callbackAnswers: { id: string; text?: string }[] = [];
  bot.api.config.use(async (prev, method, payload, signal) => {
    if (method === "answerCallbackQuery") {
      const p = payload as { callback_query_id: string; text?: string };
      callbackAnswers.push({ id: p.callback_query_id, text: p.text });
    }
    return prev(method, payload, signal);
  });
  await bot.init();
  await registerCommands(bot, cfg, log);
  const runner = run(bot);
  return {
    server,
    bot,
    runner,
    logs,
    commandMenus,
    callbackAnswers,
    stop: async () => {
      if (runner.isRunning()) await runner.stop();
      if (proxy) {
        await proxy.settled(10_000);
        await proxy.close();
      }
      await server.stop();
    },
  };
}

function parseMarkup(markup: unknown): { text: string; data: string }[] {
  const value = typeof markup === "string" ? (JSON.parse(markup) as unknown) : markup;
  const rows =
    (value as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  return rows.flat().map((b) => ({ text: b.text, data: b.callback_data ?? "" }));
}

/** Every message the bot has sent (edits applied), in order. */
export function botMessages(server: Server, chatId?: number): BotMessage[] {
  return server.storage.botMessages
    .filter((u) => chatId === undefined || Number(u.message.chat_id) === chatId)
    .map((u) => {
      const m = u.message as unknown as Record<string, unknown>;
      const replyParams = m.reply_parameters as { message_id?: number } | undefined;
      return {
        messageId: u.messageId,
        chatId: Number(m.chat_id),
        text: String(m.text ?? ""),
        parseMode: m.parse_mode as string | undefined,
        buttons: parseMarkup(m.reply_markup),
        replyTo: replyParams?.message_id,
      };
    });
}

/** Waits until the bot has sent a message in the chat matching the predicate (after `after` messages). */
export async function waitForMessage(
  server: Server,
  chatId: number,
  predicate: (m: BotMessage) => boolean,
  options: { after?: number; timeoutMs?: number } = {},
): Promise<BotMessage> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const found = botMessages(server, chatId)
      .slice(options.after ?? 0)
      .find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seen = botMessages(server, chatId).map((m) => m.text.slice(0, 80));
  throw new Error(`no matching bot message in chat ${chatId} within the timeout; saw: ${JSON.stringify(seen)}`);
}

/** A user of the emulator in a private chat (chatId = userId) or a group, named after their id. */
export function userClient(server: Server, userId: number, type: "private" | "group" = "private", chatId = userId) {
  return server.getClient(TOKEN, {
    userId,
    chatId,
    type,
    firstName: `u${userId}`,
    userName: `user${userId}`,
    chatTitle: "测试群",
  });
}

/** Presses the button labelled `label` on a bot message, as the client's user; throws when it has none. */
export async function pressButton(
  client: ReturnType<Server["getClient"]>,
  message: BotMessage,
  label: string,
): Promise<void> {
  const button = message.buttons.find((b) => b.text === label);
  if (!button)
    throw new Error(`no button "${label}" on message ${message.messageId}: ${JSON.stringify(message.buttons)}`);
  await client.sendCallback(client.makeCallbackQuery(button.data, { message: { message_id: message.messageId } }));
}

export function countMessages(server: Server, chatId: number): number {
  return botMessages(server, chatId).length;
}

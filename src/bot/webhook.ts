// Webhook mode (WEBHOOK_URL, WEBHOOK_SECRET, PORT): instead of polling, the bot serves Telegram's posts on
// node:http, so that several replicas behind any HTTP load balancer share one bot. A post is accepted only with
// the secret token Telegram was given in setWebhook (grammY compares it in constant time; a wrong one gets 401);
// GET /healthz answers with the bot's figures for the balancer's health check. An update is acknowledged when
// handled, or after WEBHOOK_ANSWER_MS with its work going on (Telegram would otherwise post it again).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { webhookCallback, type Bot, type Context } from "grammy";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";

/** Longer than this and the update is acknowledged while its answer goes on (Telegram waits about a minute). */
export const WEBHOOK_ANSWER_MS = 9_000;

/**
 * Updates one replica works on at once. Past it a post is answered 503 with Retry-After: Telegram delivers it
 * again later (to this replica or another behind the balancer), so a burst queues at Telegram, not in memory.
 */
export const WEBHOOK_MAX_IN_FLIGHT = 64;

/** Seconds Telegram is asked to wait before posting a refused update again. */
const RETRY_AFTER_S = 5;

/**
 * A request handler that runs at most `max` requests of `handle` at once and answers the others 503 with
 * Retry-After; `onBusy` is told of each one turned away.
 */
export function boundedHandler(
  max: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onBusy: (inFlight: number) => void = () => undefined,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let inFlight = 0;
  return async (req, res) => {
    if (inFlight >= max) {
      onBusy(inFlight);
      req.resume();
      res.writeHead(503, { "retry-after": String(RETRY_AFTER_S), "content-type": "application/json" });
      res.end(JSON.stringify({ error: "busy" }));
      return;
    }
    inFlight++;
    try {
      await handle(req, res);
    } finally {
      inFlight--;
    }
  };
}

export interface WebhookServer {
  server: Server;
  /** The port it listens on (PORT, or the one the system chose for 0). */
  port: number;
  close: () => Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/**
 * Listens on all interfaces at `webhook.port`: POST on WEBHOOK_URL's path → the bot, GET /healthz → `health()`,
 * anything else 404. Then tells Telegram where to post (setWebhook with the secret and the update kinds used).
 */
export async function serveWebhook<C extends Context>(
  bot: Bot<C>,
  webhook: NonNullable<Config["webhook"]>,
  log: Logger,
  health: () => Promise<unknown>,
): Promise<WebhookServer> {
  const path = new URL(webhook.url).pathname || "/";
  const handle = boundedHandler(
    WEBHOOK_MAX_IN_FLIGHT,
    webhookCallback(bot, "http", {
      secretToken: webhook.secret,
      onTimeout: "return",
      timeoutMilliseconds: WEBHOOK_ANSWER_MS,
    }),
    (inFlight) => log.warn("webhook busy: update refused for Telegram to post again", { inFlight }),
  );
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && route === "/healthz") {
      health()
        .then((r) => json(res, 200, { status: "ok", ...(r as object) }))
        .catch((err: unknown) => json(res, 500, { status: "error", error: String(err) }));
      return;
    }
    if (req.method === "POST" && route === path) {
      handle(req, res).catch((err: unknown) => {
        log.error("webhook update failed", { error: err });
        if (!res.headersSent) json(res, 500, { error: "update failed" });
      });
      return;
    }
    json(res, 404, { error: "not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(webhook.port, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : webhook.port;
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: ["message", "callback_query"],
  });
  // The URL's host only: its path may hold a token of the admin's choosing.
  log.info("serving Telegram updates by webhook", { host: new URL(webhook.url).host, port });
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

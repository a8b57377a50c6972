// A local OpenAI-compatible chat server for tests: it speaks the real protocol (JSON, or server-sent events
// when the request asks to stream) on 127.0.0.1, records every request, and answers as the test scripts it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string }[];
}

/** What the scripted model does with a request: reply text, an HTTP error, garbage, or nothing at all. */
export type Behaviour =
  | { kind: "reply"; text: (req: ChatRequest) => string; chunkDelayMs?: number }
  | { kind: "status"; status: number }
  | { kind: "malformed" }
  | { kind: "hang" };

export interface MockLlm {
  url: string;
  requests: ChatRequest[];
  behave: (b: Behaviour) => void;
  close: () => Promise<void>;
}

/** The passage id whose text contains the needle, read back from the prompt the way a model would. */
export function passageIdWith(req: ChatRequest, needle: string): number | undefined {
  const user = req.messages.find((m) => m.role === "user")?.content ?? "";
  for (const m of user.matchAll(/<passage id="(\d+)"[^>]*>([\s\S]*?)<\/passage>/g)) {
    if ((m[2] ?? "").includes(needle)) return Number(m[1]);
  }
  return undefined;
}

function completion(text: string): string {
  return JSON.stringify({
    id: "chatcmpl-test",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: "mock",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

function chunk(content: string | undefined, finish: string | null): string {
  const delta = content === undefined ? {} : { content };
  const chunk = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: "mock",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export async function startMockLlm(): Promise<MockLlm> {
  const requests: ChatRequest[] = [];
  let behaviour: Behaviour = { kind: "status", status: 500 };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (!req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as ChatRequest;
      requests.push(parsed);
      const b = behaviour;
      if (b.kind === "hang") {
        hanging.add(res);
        return;
      }
      if (b.kind === "status") {
        res
          .writeHead(b.status, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "scripted failure" } }));
        return;
      }
      if (b.kind === "malformed") {
        res
          .writeHead(200, { "content-type": parsed.stream ? "text/event-stream" : "application/json" })
          .end(parsed.stream ? "data: {not json\n\n" : "{not json");
        return;
      }
      const text = b.text(parsed);
      if (!parsed.stream) {
        res.writeHead(200, { "content-type": "application/json" }).end(completion(text));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const pieces = text.match(/.{1,6}/gsu) ?? [text];
      let i = 0;
      const send = (): void => {
        if (i < pieces.length) {
          res.write(chunk(pieces[i++], null));
          setTimeout(send, b.chunkDelayMs ?? 0);
        } else {
          res.write(chunk(undefined, "stop"));
          res.end("data: [DONE]\n\n");
        }
      };
      send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    behave: (b) => {
      behaviour = b;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

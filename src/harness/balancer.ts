// A small round-robin HTTP load balancer for the replica tests and `npm run bench -- --replicas`: each request
// goes to the next backend in turn (a backend that refuses the connection answers 502, as a balancer without
// retries does; Telegram then posts the update again). `served` records which backend took each request;
// `onForward` lets a test act on the backend just handed a request (kill it mid-answer).
import { createServer, request, type Server } from "node:http";

export interface Balancer {
  url: string;
  served: number[];
  onForward?: (backend: number) => void;
  close: () => Promise<void>;
}

export async function startBalancer(backends: number[]): Promise<Balancer> {
  let next = 0;
  const balancer: Balancer = { url: "", served: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const i = next++ % backends.length;
    balancer.served.push(i);
    const upstream = request(
      { host: "127.0.0.1", port: backends[i], path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
    upstream.on("finish", () => balancer.onForward?.(i));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  balancer.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  balancer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return balancer;
}

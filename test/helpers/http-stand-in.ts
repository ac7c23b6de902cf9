/**
 * The shared part of the HTTP stand-ins: a local `node:http` server that records
 * every request, can be told to answer the next matching requests with a scripted
 * failure (or not at all), and closes even while a request hangs.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Scripted = ScriptedResponse | 'hang';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (request: RecordedRequest) => Reply;

interface Override {
  method?: string;
  path: RegExp;
  response: Scripted;
  remaining: number;
}

export interface StandIn {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  requests: RecordedRequest[];
  /** The next `times` requests matching `method` and `path` get `response` instead of the normal answer. */
  script(match: { method?: string; path: RegExp }, response: Scripted, times?: number): void;
  close(): Promise<void>;
}

export async function startStandIn(handler: Handler): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const overrides: Override[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void readRequest(req).then((request) => {
      requests.push(request);
      const override = overrides.find((o) => o.remaining > 0 && (!o.method || o.method === request.method) && o.path.test(request.path));
      if (override) {
        override.remaining--;
        if (override.response === 'hang') return;
        return send(res, override.response);
      }
      send(res, handler(request));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    script: (match, response, times = 1) => overrides.push({ ...match, response, remaining: times }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://stand-in');
  let body: unknown = text;
  if (text && /json/.test(req.headers['content-type'] ?? '')) body = JSON.parse(text);
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
  res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
  res.end(body);
}

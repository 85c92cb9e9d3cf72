import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** Decides each response; default 200 `{"ok":true}`. */
  respond: (
    req: SinkRequest,
    n: number,
  ) => { status: number; headers?: Record<string, string>; body?: string } | 'hang';
  close: () => Promise<void>;
}

/** A real HTTP destination on 127.0.0.1 that records what it receives. */
export async function startSink(): Promise<Sink> {
  const sink: Sink = {
    url: '',
    requests: [],
    respond: () => ({ status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } }),
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r: SinkRequest = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      sink.requests.push(r);
      const answer = sink.respond(r, sink.requests.length);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sink;
}

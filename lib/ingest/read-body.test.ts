import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyAbortedError, readBodyLimited, type ReadBodyResult } from './read-body';

const MiB = 1024 * 1024;
const LIMIT = MiB;

interface Seen {
  result: Promise<ReadBodyResult>;
  /** Whether the request had finished arriving when readBodyLimited settled. */
  endedAtDecision: Promise<boolean>;
}

let server: Server | undefined;
const seen: Seen[] = [];
const waiters: ((s: Seen) => void)[] = [];

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
  seen.length = 0;
});

function nextSeen(): Promise<Seen> {
  const ready = seen.shift();
  return ready ? Promise.resolve(ready) : new Promise((r) => waiters.push(r));
}

async function startServer(): Promise<number> {
  server = createServer((req, res) => {
    const result = readBodyLimited(req, LIMIT);
    const endedAtDecision = result.then(
      () => req.readableEnded,
      () => req.readableEnded,
    );
    const entry = { result, endedAtDecision };
    const waiter = waiters.shift();
    if (waiter) waiter(entry);
    else seen.push(entry);
    result.then(
      (r) => {
        res.writeHead(r.ok ? 200 : 413, { 'content-type': 'text/plain' });
        res.end(r.ok ? `got ${r.body.length} bytes` : 'too large');
      },
      () => res.destroy(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

interface Sent {
  status: number;
  text: string;
}

function post(port: number, body: Buffer | Readable, headers: Record<string, string> = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** 64 KiB chunks without Content-Length, so the server must count while streaming. */
function chunkedBody(totalBytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= totalBytes) return void this.push(null);
      const size = Math.min(64 * 1024, totalBytes - sent);
      sent += size;
      this.push(Buffer.alloc(size, 0x61));
    },
  });
}

describe('readBodyLimited', () => {
  it('returns bodies up to and including the limit', async () => {
    const port = await startServer();
    expect(await post(port, Buffer.from('{"ok":true}'))).toEqual({ status: 200, text: 'got 11 bytes' });
    const exact = await post(port, Buffer.alloc(LIMIT, 1));
    expect(exact).toEqual({ status: 200, text: `got ${LIMIT} bytes` });
    expect(await post(port, Buffer.alloc(0))).toEqual({ status: 200, text: 'got 0 bytes' });
  });

  it('refuses one byte over the limit, declared or streamed', async () => {
    const port = await startServer();
    expect((await post(port, Buffer.alloc(LIMIT + 1, 1))).status).toBe(413);
    expect((await post(port, chunkedBody(LIMIT + 1))).status).toBe(413);
    expect(await post(port, chunkedBody(LIMIT))).toEqual({ status: 200, text: `got ${LIMIT} bytes` });
  });

  it('refuses an oversized Content-Length before any body byte is sent', async () => {
    const port = await startServer();
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      headers: { 'content-length': String(5 * MiB) },
    });
    req.on('error', () => {});
    req.flushHeaders();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.statusCode).toBe(413);
    expect(await (await nextSeen()).result).toEqual({ ok: false, reason: 'too_large' });
    req.destroy();
  });

  it('decides a 5 MiB chunked upload at 1 MiB and answers before the upload ends', async () => {
    const port = await startServer();
    const upload = post(port, chunkedBody(5 * MiB));
    const decision = await nextSeen();
    expect(await decision.result).toEqual({ ok: false, reason: 'too_large' });
    // Decided while ~4 MiB were still on their way: nothing waited for (or buffered) the whole body.
    expect(await decision.endedAtDecision).toBe(false);
    expect(await upload).toEqual({ status: 413, text: 'too large' });
  });

  it('drains the refused body so the keep-alive connection serves the next request', async () => {
    // A raw socket, because node's own client stops uploading once it has a complete response.
    const port = await startServer();
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('latin1');
    const statusLines = () => received.match(/HTTP\/1\.1 \d{3}/g) ?? [];
    const twoResponses = new Promise<void>((resolve, reject) => {
      socket.on('data', (text: string) => {
        received += text;
        if (statusLines().length === 2 && received.endsWith('0\r\n\r\n')) resolve();
      });
      socket.on('close', () => reject(new Error(`socket closed after: ${received}`)));
    });
    const write = async (data: string | Buffer) => {
      if (!socket.write(data)) await once(socket, 'drain');
    };
    await write('POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < 5 * MiB; sent += chunk.length) {
      await write(`${chunk.length.toString(16)}\r\n`);
      await write(chunk);
      await write('\r\n');
    }
    await write('0\r\n\r\nPOST / HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n\r\nnext');
    await twoResponses;
    socket.destroy();
    expect(statusLines()).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    expect(received).toContain('got 4 bytes');
  });

  it('answers an upload that would never end', async () => {
    const port = await startServer();
    let stop = false;
    const endless = new Readable({
      read() {
        this.push(stop ? null : Buffer.alloc(64 * 1024, 0x62));
      },
    });
    const response = post(port, endless);
    expect(await (await nextSeen()).result).toEqual({ ok: false, reason: 'too_large' });
    expect((await response).status).toBe(413);
    stop = true;
  });

  it('rejects when the client hangs up mid-body', async () => {
    const port = await startServer();
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': '1000' } });
    req.on('error', () => {});
    req.write(Buffer.alloc(100));
    const decision = await nextSeen();
    req.destroy();
    await expect(decision.result).rejects.toBeInstanceOf(BodyAbortedError);
  });
});

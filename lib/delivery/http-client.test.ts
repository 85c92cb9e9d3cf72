import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCidrList } from '@/lib/net/ip';
import {
  RESPONSE_BODY_LIMIT_BYTES,
  outboundPolicyFromEnv,
  sendRequest,
  type OutboundPolicy,
  type OutboundRequest,
} from '@/lib/delivery/http-client';

const strict: OutboundPolicy = { allowPrivateNetworks: false, allowedTargets: () => false };
const lan: OutboundPolicy = { allowPrivateNetworks: true, allowedTargets: () => false };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

interface Seen {
  connections: number;
  requests: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
}

async function startServer(respond: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen = { connections: 0, requests: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      respond(req, res);
    });
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { port, url: `http://127.0.0.1:${port}`, seen };
}

const get = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 5_000,
  ...extra,
});

describe('SSRF refusals', () => {
  const targets = [
    '127.0.0.1',
    'localhost',
    '2130706433',
    '127.1',
    '0x7f000001',
    '0177.0.0.1',
    '0.0.0.0',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::]',
    '10.0.0.1',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '[fe80::1]',
    '[fc00::1]',
    '224.0.0.1',
  ];

  it.each(targets)('refuses http://%s', async (host) => {
    const { port, seen } = await startServer((_req, res) => res.end('reached'));
    const result = await sendRequest(get(`http://${host}:${port}/hook`, { timeoutMs: 2_000 }), strict);
    expect(result.error?.kind).toBe('blocked');
    expect(result.error?.message).toMatch(
      /^Refused to connect to \S+ \(.+\); (set HOOKLINE_ALLOW_PRIVATE_NETWORKS=true|add it to HOOKLINE_ALLOWED_TARGETS)/,
    );
    expect(result.response).toBeNull();
    expect(seen.connections).toBe(0);
  });

  it('names the address and the reason', async () => {
    const result = await sendRequest(get('http://2130706433/'), strict);
    expect(result.error?.message).toBe(
      'Refused to connect to 127.0.0.1 (loopback address); set HOOKLINE_ALLOW_PRIVATE_NETWORKS=true to allow private targets',
    );
    const named = await sendRequest(get('http://localhost:9/'), strict);
    expect(named.error?.message).toMatch(/loopback address, resolved from localhost/);
  });

  it('refuses metadata even when private networks are allowed', async () => {
    const result = await sendRequest(get('http://169.254.169.254/latest/meta-data/'), lan);
    expect(result.error).toMatchObject({ kind: 'blocked' });
    expect(result.error?.message).toContain('cloud metadata address');
  });

  it('reaches a local server when private networks are allowed', async () => {
    const { url, seen } = await startServer((_req, res) => res.end('hello'));
    const result = await sendRequest(get(`${url}/x`), lan);
    expect(result.error).toBeNull();
    expect(result.response).toMatchObject({
      status: 200,
      body: 'hello',
      bodyTruncated: false,
      bodyEncoding: 'utf8',
    });
    expect(seen.requests[0].url).toBe('/x');
  });

  it('reaches a local server listed in the allowed targets', async () => {
    const { url } = await startServer((_req, res) => res.end('listed'));
    const policy = { allowPrivateNetworks: false, allowedTargets: compileCidrList('127.0.0.0/8') };
    const result = await sendRequest(get(url), policy);
    expect(result.response?.body).toBe('listed');
  });

  it('reads the policy from the environment, and reuses it for equal settings', () => {
    const open = outboundPolicyFromEnv({ HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect(open.allowPrivateNetworks).toBe(true);
    expect(outboundPolicyFromEnv({ HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true' })).toBe(open);
    const closed = outboundPolicyFromEnv({ HOOKLINE_ALLOWED_TARGETS: '10.0.0.0/8, fd00::/8' });
    expect(closed.allowPrivateNetworks).toBe(false);
    expect(closed.allowedTargets('10.2.3.4')).toBe(true);
    expect(closed.allowedTargets('fd00::1')).toBe(true);
    expect(closed.allowedTargets('192.168.0.1')).toBe(false);
    expect(outboundPolicyFromEnv({}).allowPrivateNetworks).toBe(false);
  });
});

describe('sendRequest', () => {
  it('uses the environment policy by default, and refuses everything when it is malformed', async () => {
    const saved = { ...process.env };
    try {
      const { url } = await startServer((_req, res) => res.end('env'));
      process.env.HOOKLINE_ALLOW_PRIVATE_NETWORKS = 'true';
      expect((await sendRequest(get(url))).response?.body).toBe('env');
      process.env.HOOKLINE_ALLOWED_TARGETS = '10.0.0.0/99';
      const broken = await sendRequest(get(url));
      expect(broken.error).toMatchObject({ kind: 'blocked' });
      expect(broken.error?.message).toContain('Invalid prefix length');
    } finally {
      process.env = saved;
    }
  });

  it('passes a malformed escape in URL credentials through as written', async () => {
    const { port, seen } = await startServer((_req, res) => res.end());
    const result = await sendRequest(get(`http://%zz@127.0.0.1:${port}/`), lan);
    expect(result.error).toBeNull();
    expect(seen.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('%zz:').toString('base64')}`);
  });

  it('sends method, headers and body, with a default user-agent', async () => {
    const { url, seen } = await startServer((_req, res) => {
      res.setHeader('x-reply', ['a', 'b']);
      res.statusCode = 201;
      res.end('{"ok":true}');
    });
    const result = await sendRequest(
      get(url, {
        method: 'post',
        headers: { 'Content-Type': 'application/json', Connection: 'upgrade' },
        body: '{"n":1}',
      }),
      lan,
    );
    expect(result.response).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(result.response?.headers['x-reply']).toBe('a, b');
    const sent = seen.requests[0];
    expect(sent).toMatchObject({ method: 'POST', body: '{"n":1}' });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+/);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a caller-supplied user-agent and turns URL credentials into basic auth', async () => {
    const { port, seen } = await startServer((_req, res) => res.end());
    await sendRequest(
      get(`http://us%40er:p%3Ass@127.0.0.1:${port}/`, { headers: { 'User-Agent': 'custom/1' } }),
      lan,
    );
    expect(seen.requests[0].headers['user-agent']).toBe('custom/1');
    const auth = seen.requests[0].headers.authorization ?? '';
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString()).toBe('us@er:p:ss');
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', ''])(
    'rejects %j as invalid_url',
    async (url) => {
      const result = await sendRequest(get(url), lan);
      expect(result.error?.kind).toBe('invalid_url');
      expect(result.response).toBeNull();
    },
  );

  it('reports an invalid header as invalid_request', async () => {
    const { url, seen } = await startServer((_req, res) => res.end());
    const result = await sendRequest(get(url, { headers: { 'x-bad': 'a\r\nInjected: yes' } }), lan);
    expect(result.error?.kind).toBe('invalid_request');
    expect(seen.requests).toHaveLength(0);
  });

  it('reports a refused connection as a network error', async () => {
    const { port } = await startServer((_req, res) => res.end());
    await Promise.all(cleanups.splice(0).map((fn) => fn()));
    const result = await sendRequest(get(`http://127.0.0.1:${port}/`), lan);
    expect(result.error?.kind).toBe('network');
    expect(result.error?.message).toContain('ECONNREFUSED');
  });

  it('times out when the server never answers', async () => {
    const { url } = await startServer(() => {});
    const result = await sendRequest(get(url, { timeoutMs: 300 }), lan);
    expect(result.error).toEqual({
      kind: 'timeout',
      message: 'Timed out after 300 ms waiting for the response',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(300 + 1_000);
  });

  it('times out when the body stalls, keeping what arrived', async () => {
    const { url } = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const result = await sendRequest(get(url, { timeoutMs: 300 }), lan);
    expect(result.error?.kind).toBe('timeout');
    expect(result.error?.message).toContain('while reading the response body');
    expect(result.response).toMatchObject({ status: 200, body: 'partial', bodyTruncated: true });
    expect(result.durationMs).toBeLessThan(300 + 1_000);
  });

  it('does not follow redirects', async () => {
    const { url, seen } = await startServer((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/next' }).end();
      else res.end('followed');
    });
    const result = await sendRequest(get(`${url}/start`), lan);
    expect(result.response?.status).toBe(302);
    expect(result.error).toEqual({ kind: 'redirect', message: `Redirect to ${url}/next not followed` });
    expect(seen.requests.map((r) => r.url)).toEqual(['/start']);
  });

  it('captures at most 64 KiB of the body and marks the cut', async () => {
    const big = 'x'.repeat(200 * 1024);
    const { url } = await startServer((_req, res) => res.end(big));
    const result = await sendRequest(get(url), lan);
    expect(result.error).toBeNull();
    expect(result.response?.body).toHaveLength(RESPONSE_BODY_LIMIT_BYTES);
    expect(result.response?.bodyTruncated).toBe(true);
  });

  it('does not mark a body of exactly 64 KiB as truncated', async () => {
    const { url } = await startServer((_req, res) => res.end('y'.repeat(RESPONSE_BODY_LIMIT_BYTES)));
    const result = await sendRequest(get(url), lan);
    expect(result.response?.body).toHaveLength(RESPONSE_BODY_LIMIT_BYTES);
    expect(result.response?.bodyTruncated).toBe(false);
  });

  it('drops a multi-byte character split by the cut instead of turning the body into base64', async () => {
    const { url } = await startServer((_req, res) => res.end('a' + 'é'.repeat(40_000)));
    const result = await sendRequest(get(url), lan);
    expect(result.response?.bodyEncoding).toBe('utf8');
    expect(result.response?.body).toBe('a' + 'é'.repeat(32_767));
  });

  it('returns binary bodies as base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
    const { url } = await startServer((_req, res) => res.end(bytes));
    const result = await sendRequest(get(url), lan);
    expect(result.response?.bodyEncoding).toBe('base64');
    expect(Buffer.from(result.response?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('reuses keep-alive connections (prints throughput)', async () => {
    const { url, seen } = await startServer((_req, res) => res.end('ok'));
    const sequential = 1_000;
    let started = performance.now();
    for (let i = 0; i < sequential; i++) {
      const r = await sendRequest(get(url), lan);
      if (r.response?.status !== 200) throw new Error(`request ${i} failed: ${r.error?.message}`);
    }
    const sequentialMs = performance.now() - started;
    const sequentialConnections = seen.connections;

    const concurrent = 4_000;
    const concurrency = 50;
    let next = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < concurrent) {
          const r = await sendRequest(get(url), lan);
          if (r.response?.status !== 200) throw new Error(`concurrent request failed: ${r.error?.message}`);
        }
      }),
    );
    const concurrentMs = performance.now() - started;
    console.log(
      `[http-client] ${sequential} sequential: ${Math.round((sequential / sequentialMs) * 1000)} req/s over ${sequentialConnections} connection(s); ` +
        `${concurrent} at concurrency ${concurrency}: ${Math.round((concurrent / concurrentMs) * 1000)} req/s over ${seen.connections - sequentialConnections} new connection(s)`,
    );
    // undici may open a spare socket while the previous one is being released; without keep-alive
    // these would be one connection per request.
    expect(sequentialConnections).toBeLessThanOrEqual(2);
    expect(seen.connections - sequentialConnections).toBeLessThanOrEqual(2 * concurrency);
  });
});

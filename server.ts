import http from 'node:http';
import type { Socket } from 'node:net';
import { startCheckpointer, stopCheckpointer } from '@/db/checkpointer';
import { getDbHandle, closeDb } from '@/db/client';
import { env, ensureGeneratedSecrets } from '@/lib/env';
import { runtime } from '@/lib/runtime';
import { handleIngest, isIngestPath } from '@/lib/ingest/http';
import { startIngestWriter, stopIngestWriter } from '@/lib/ingest/store';
import { handleMetrics, isMetricsPath } from '@/lib/metrics/http';
import { startBackground, stopBackground } from '@/lib/background';
import pkg from './package.json' with { type: 'json' };

/**
 * One process, one port: `/h/<token>` (the hot path) is answered here by a lean node:http handler; every other
 * request goes to Next.js. The worker and scheduler run in the same process unless HOOKLINE_WORKER=off.
 */
export async function startServer(options: { dev: boolean; port?: number }): Promise<http.Server> {
  // next-auth v4 derives its origin from the Host header only when told to trust it; without this it would assume
  // http://localhost:3000 whatever the port or public URL.
  if (!process.env.NEXTAUTH_URL) {
    if (env.publicUrl()) process.env.NEXTAUTH_URL = env.publicUrl()!;
    else process.env.AUTH_TRUST_HOST ??= 'true';
  }
  ensureGeneratedSecrets();
  getDbHandle(); // migrate before the first request
  startCheckpointer();
  startIngestWriter();
  runtime().version = pkg.version;

  const port = options.port ?? env.port();
  const { default: next } = await import('next');
  const app = next({ dev: options.dev, dir: process.cwd(), port, hostname: 'localhost' });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    if (isIngestPath(req.url)) {
      handleIngest(req, res);
      return;
    }
    if (isMetricsPath(req.url)) return handleMetrics(req, res);
    // Sign-in throttling keys on the client address; only the server can vouch for it.
    req.headers['x-hookline-client-ip'] = req.socket.remoteAddress ?? '';
    // Lets layouts send a signed-out visitor back to the page they asked for.
    req.headers['x-hookline-path'] = req.url ?? '/';
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  if (env.workerEnabled()) startBackground();
  console.log(
    `Hookline ${pkg.version} ready on http://localhost:${port} (${options.dev ? 'development' : 'production'}, worker ${env.workerEnabled() ? 'on' : 'off'})`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close();
    for (const s of sockets) if (!(s as Socket & { _httpMessage?: unknown })._httpMessage) s.destroy();
    await stopIngestWriter();
    await stopBackground();
    await stopCheckpointer();
    closeDb();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return server;
}

const isMain = process.argv[1] && /server\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  const dev = process.argv.includes('--dev');
  if (!dev) (process.env as Record<string, string>).NODE_ENV ??= 'production';
  startServer({ dev }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

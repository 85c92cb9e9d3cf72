import type { IncomingMessage, ServerResponse } from 'node:http';

export function isIngestPath(url: string | undefined): boolean {
  return !!url && url.startsWith('/h/');
}

export function handleIngest(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: 'Hook not found' } }));
}

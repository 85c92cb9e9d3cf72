import type { IncomingMessage } from 'node:http';

export type ReadBodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' };

export class BodyAbortedError extends Error {
  override name = 'BodyAbortedError';
}

function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

/**
 * Once we have decided to refuse the body, keep reading and throwing it away: closing the socket
 * while the client is still uploading makes most clients report a reset instead of our 413.
 * Node's server request timeout bounds how long a client can keep us draining.
 */
function discardRest(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

/**
 * The body in a buffer of its own, exactly its size. Chunks (and Buffer.concat's result) are views into larger shared
 * memory, and handing a view to the ingest writer thread copies all of that memory, not just the view.
 */
function exactCopy(chunks: Buffer[], size: number): Buffer {
  const body = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(body, at);
  return body;
}

/**
 * Reads the request body, refusing it once more than `maxBytes` arrive: early on a Content-Length
 * above the limit, otherwise while streaming, so memory never holds more than `maxBytes`.
 * Calls back once: with the result, or with a BodyAbortedError when the client goes away mid-body.
 * (Callbacks, not a promise: this runs for every webhook, and the listeners are anonymous so that no
 * per-request function objects need naming.)
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  done: (error: BodyAbortedError | null, result?: ReadBodyResult) => void,
): void {
  const declared = declaredLength(req);
  if (declared !== null && declared > maxBytes) {
    discardRest(req);
    return done(null, { ok: false, reason: 'too_large' });
  }
  if (req.readableEnded) return done(new BodyAbortedError('Request body was already consumed'));

  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer | string) => {
    if (settled) return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      settled = true;
      chunks.length = 0;
      discardRest(req);
      return done(null, { ok: false, reason: 'too_large' });
    }
    chunks.push(buffer);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done(null, { ok: true, body: exactCopy(chunks, size) });
  });
  req.on('error', (err: Error) => {
    if (settled) return;
    settled = true;
    done(new BodyAbortedError(`Request body could not be read: ${err.message}`, { cause: err }));
  });
  req.on('close', () => {
    // 'close' before 'end' means the client hung up mid-body.
    if (settled) return;
    settled = true;
    done(new BodyAbortedError('Client closed the connection before the body was complete'));
  });
}

/** readBody as a promise. */
export function readBodyLimited(req: IncomingMessage, maxBytes: number): Promise<ReadBodyResult> {
  return new Promise((resolve, reject) =>
    readBody(req, maxBytes, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}

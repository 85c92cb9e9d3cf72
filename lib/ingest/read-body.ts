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
 * Reads the request body, refusing it once more than `maxBytes` arrive: early on a Content-Length
 * above the limit, otherwise while streaming, so memory never holds more than `maxBytes`.
 * Rejects with BodyAbortedError when the client goes away mid-body.
 */
export function readBodyLimited(req: IncomingMessage, maxBytes: number): Promise<ReadBodyResult> {
  const declared = declaredLength(req);
  if (declared !== null && declared > maxBytes) {
    discardRest(req);
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer | string) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        discardRest(req);
        resolve({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(buffer);
    }
    function onEnd() {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks, size) });
    }
    function onError(err: Error) {
      cleanup();
      reject(new BodyAbortedError(`Request body could not be read: ${err.message}`, { cause: err }));
    }
    function onClose() {
      // 'close' before 'end' means the client hung up mid-body.
      cleanup();
      reject(new BodyAbortedError('Client closed the connection before the body was complete'));
    }

    if (req.readableEnded) {
      reject(new BodyAbortedError('Request body was already consumed'));
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

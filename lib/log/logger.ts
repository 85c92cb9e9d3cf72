import pino, { type Logger } from 'pino';

// One JSON line per notable event (ingest rejection, delivery failure, retry scheduled, lease reclaimed, prune
// batch) on stdout, for any log shipper. Secrets never reach a line: callers do not pass headers or secret
// values, and these paths are censored in case one slips into an object anyway.
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'secrets',
  'token',
  'signingSecret',
  'headers',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.signingSecret',
  '*.headers',
];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function logLevel(): string {
  const level = process.env.LOG_LEVEL?.trim().toLowerCase();
  return level && LEVELS.includes(level) ? level : 'info';
}

function createLogger(): Logger {
  const options: pino.LoggerOptions = {
    level: logLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  // Human-readable lines only in `npm run dev`; production stays JSON lines (pino-pretty is a dev dependency).
  if (process.env.NODE_ENV === 'development') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  // "level":"warn" rather than 40: readable without a lookup table in any log shipper.
  return pino({ ...options, formatters: { level: (label) => ({ level: label }) } });
}

// On globalThis: the custom server (tsx) and Next's bundle each load this module; one logger (and one transport
// worker in development) serves both.
const KEY = Symbol.for('hookline.logger');
type GlobalWithLogger = typeof globalThis & { [KEY]?: Logger };

export function getLogger(): Logger {
  const g = globalThis as GlobalWithLogger;
  return (g[KEY] ??= createLogger());
}

/** The process logger, created on first use (LOG_LEVEL is read then). */
export const logger = {
  error: (obj: object, msg: string) => getLogger().error(obj, msg),
  warn: (obj: object, msg: string) => getLogger().warn(obj, msg),
  info: (obj: object, msg: string) => getLogger().info(obj, msg),
  debug: (obj: object, msg: string) => getLogger().debug(obj, msg),
};

/** An error as loggable fields: message and stack, never the whole object (it may carry request data). */
export function errorFields(error: unknown): { err: { message: string; stack?: string } } {
  if (error instanceof Error) return { err: { message: error.message, stack: error.stack } };
  return { err: { message: String(error) } };
}

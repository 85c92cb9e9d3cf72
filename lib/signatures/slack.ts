import type { SignatureScheme } from './types';
import {
  checkTimestamp,
  fail,
  firstSecret,
  hmacSha256,
  matchSignatures,
  noSecrets,
  parseTimestamp,
  pass,
  readHeader,
  readHeaderValues,
  splitList,
  toleranceOf,
} from './verify-helpers';

const SIGNATURE_HEADER = 'x-slack-signature';
const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const VERSION = 'v0';

function digest(secret: string, timestamp: string, body: Buffer): Buffer {
  return hmacSha256(secret, `${VERSION}:${timestamp}:`, body);
}

export const slackScheme: SignatureScheme = {
  verify(config, headers, rawBody, nowMs) {
    const values = readHeaderValues(headers, SIGNATURE_HEADER);
    if (values.length === 0) return fail('missing', 'Missing X-Slack-Signature header');
    const timestamp = readHeader(headers, TIMESTAMP_HEADER)?.trim();
    if (timestamp === undefined) return fail('missing', 'Missing X-Slack-Request-Timestamp header');
    const seconds = parseTimestamp(timestamp);
    if (seconds === null) {
      return fail('malformed', 'X-Slack-Request-Timestamp header is not a Unix timestamp in seconds');
    }
    if (config.secrets.length === 0) return noSecrets();

    const candidates = splitList(values)
      .filter((v) => v.startsWith(`${VERSION}=`))
      .map((v) => v.slice(VERSION.length + 1));
    if (candidates.length === 0)
      return fail('malformed', 'X-Slack-Signature header has no v0=<signature> entry');
    const expected = config.secrets.map((s) => digest(s, timestamp, rawBody));
    return (
      matchSignatures(candidates, 'hex', expected, 'X-Slack-Signature header') ??
      checkTimestamp(seconds, nowMs, toleranceOf(config)) ??
      pass('slack')
    );
  },

  sign(config, rawBody, nowMs) {
    const timestamp = String(Math.floor(nowMs / 1000));
    return {
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: `${VERSION}=${digest(firstSecret(config), timestamp, rawBody).toString('hex')}`,
    };
  },
};

import { describe, expect, it } from 'vitest';
import { signRequest, signStandardWebhooks, verifySignature } from './index';

// Known-answer vectors from the providers' own documentation, so our HMAC inputs match theirs byte for byte.

describe('GitHub docs example', () => {
  const config = { scheme: 'github' as const, secrets: ["It's a Secret to Everybody"] };
  const body = Buffer.from('Hello, World!');
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('verifies and reproduces the documented signature', () => {
    expect(verifySignature(config, { 'x-hub-signature-256': signature }, body)).toEqual({
      ok: true,
      scheme: 'github',
    });
    expect(signRequest(config, body)).toEqual({ 'x-hub-signature-256': signature });
  });

  it('points at the SHA-1 header when only that one is sent', () => {
    const result = verifySignature(
      config,
      { 'x-hub-signature': 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59' },
      body,
    );
    expect(result.ok || result.message).toMatch(/SHA-1 X-Hub-Signature header is not accepted/);
  });
});

describe('Slack docs example', () => {
  const config = { scheme: 'slack' as const, secrets: ['8f742231b10e8888abcd99yyyzzz85a5'] };
  const timestamp = 1531420618;
  const body = Buffer.from(
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  );
  const headers = {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };

  it('verifies and reproduces the documented signature', () => {
    const now = timestamp * 1000 + 10_000;
    expect(verifySignature(config, headers, body, now)).toEqual({ ok: true, scheme: 'slack' });
    expect(signRequest(config, body, timestamp * 1000)).toEqual(headers);
  });

  it('calls the documented request stale today', () => {
    expect(verifySignature(config, headers, body)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('needs the timestamp header', () => {
    const result = verifySignature(config, { 'x-slack-signature': headers['x-slack-signature'] }, body);
    expect(result).toEqual({
      ok: false,
      reason: 'missing',
      message: 'Missing X-Slack-Request-Timestamp header',
    });
  });
});

describe('Standard Webhooks library vector', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const msgId = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const payload = '{"test": 2432232314}';
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const headers = {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
  const config = { scheme: 'standard-webhooks' as const, secrets: [secret] };

  it('signs outbound payloads like the reference library', () => {
    expect(signStandardWebhooks(secret, msgId, timestamp, payload)).toBe(signature);
    expect(signStandardWebhooks(secret, msgId, timestamp, Buffer.from(payload))).toBe(signature);
    // The prefix is a label, not key material.
    expect(signStandardWebhooks(secret.slice('whsec_'.length), msgId, timestamp, payload)).toBe(signature);
  });

  it('verifies the vector, ignoring other signature versions', () => {
    const now = timestamp * 1000;
    const withOthers = { ...headers, 'webhook-signature': `v1a,aGVsbG8= ${signature}` };
    expect(verifySignature(config, withOthers, Buffer.from(payload), now)).toEqual({
      ok: true,
      scheme: 'standard-webhooks',
    });
  });

  it('binds the message id into the signature', () => {
    const now = timestamp * 1000;
    const swapped = { ...headers, 'webhook-id': 'msg_other' };
    expect(verifySignature(config, swapped, Buffer.from(payload), now)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it('accepts the svix-* spelling of the same headers', () => {
    const svix = { 'svix-id': msgId, 'svix-timestamp': String(timestamp), 'svix-signature': signature };
    expect(verifySignature(config, svix, Buffer.from(payload), timestamp * 1000).ok).toBe(true);
  });

  it('rejects a timestamp that is not a number', () => {
    const bad = { ...headers, 'webhook-timestamp': '2021-02-25T15:02:10Z' };
    expect(verifySignature(config, bad, Buffer.from(payload), timestamp * 1000)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('Stripe', () => {
  // Expected value computed independently: printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac whsec_test_secret
  const config = { scheme: 'stripe' as const, secrets: ['whsec_test_secret'] };
  const body = Buffer.from('{"id":"evt_1","object":"event"}');
  const v1 = '0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd';

  it('keys the HMAC with the whole secret including whsec_', () => {
    const headers = { 'stripe-signature': `t=1700000000,v1=${v1},v0=deadbeef` };
    expect(verifySignature(config, headers, body, 1_700_000_000_000)).toEqual({ ok: true, scheme: 'stripe' });
  });

  it('explains headers without a timestamp or v1 entry', () => {
    const noT = verifySignature(config, { 'stripe-signature': `v1=${v1}` }, body, 1_700_000_000_000);
    expect(noT).toMatchObject({ ok: false, reason: 'malformed' });
    const noV1 = verifySignature(
      config,
      { 'stripe-signature': 't=1700000000,v0=abc' },
      body,
      1_700_000_000_000,
    );
    expect(noV1).toEqual({
      ok: false,
      reason: 'malformed',
      message: 'Stripe-Signature header has no v1=<signature> entry',
    });
  });

  it('names the header when it is missing', () => {
    expect(verifySignature(config, {}, body)).toEqual({
      ok: false,
      reason: 'missing',
      message: 'Missing Stripe-Signature header',
    });
  });
});

describe('Shopify and generic HMAC', () => {
  it('verifies an independently computed Shopify signature', () => {
    // printf '%s' '{"id":1}' | openssl dgst -sha256 -hmac shpss_secret -binary | base64
    const headers = { 'x-shopify-hmac-sha256': 'xocA3LkeJ/RvNrkxep1EUtFHuj7rIoIqZYaLU26LyPQ=' };
    const config = { scheme: 'shopify' as const, secrets: ['shpss_secret'] };
    expect(verifySignature(config, headers, Buffer.from('{"id":1}')).ok).toBe(true);
  });

  it('honours header, encoding and prefix, matching hex case-insensitively', () => {
    const body = Buffer.from('hello');
    const hex = '9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b';
    const b64 = 'kwezuRXvtRcf8U2MtV+8x5jGwO8UVtZt7RpqpyOli3s=';
    expect(
      verifySignature({ scheme: 'hmac-sha256', secrets: ['key'] }, { 'x-signature': hex.toUpperCase() }, body)
        .ok,
    ).toBe(true);
    const custom = {
      scheme: 'hmac-sha256' as const,
      secrets: ['key'],
      header: 'X-Hook-Sig',
      encoding: 'base64' as const,
      prefix: 'sha256=',
    };
    expect(verifySignature(custom, { 'x-hook-sig': `sha256=${b64}` }, body).ok).toBe(true);
    expect(verifySignature(custom, { 'x-hook-sig': b64 }, body)).toEqual({
      ok: false,
      reason: 'malformed',
      message: 'X-Hook-Sig header does not start with "sha256="',
    });
    expect(verifySignature(custom, {}, body)).toEqual({
      ok: false,
      reason: 'missing',
      message: 'Missing X-Hook-Sig header',
    });
  });
});

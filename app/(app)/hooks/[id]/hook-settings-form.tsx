'use client';

import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { formatBytes, SCHEME_LABELS } from '@/components/hooks/format';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input, Select, Textarea } from '@/components/ui/input';
import type { ApiHook } from '@/lib/hooks/hooks';
import { HTTP_METHODS, VERIFICATION_SCHEMES } from '@/lib/hooks/settings';
import { updateHookAction } from '../actions';

const TIMESTAMPED = new Set(['stripe', 'slack', 'standard-webhooks']);

const SECRET_HINTS: Record<string, string> = {
  stripe: 'The endpoint’s signing secret from the Stripe dashboard (whsec_…).',
  github: 'The secret you entered in the GitHub webhook settings.',
  shopify: 'Your app’s client secret (Shopify signs webhooks with it).',
  slack: 'The signing secret from your Slack app’s Basic Information page.',
  'standard-webhooks': 'The whsec_… secret your provider shows for this endpoint.',
  'hmac-sha256': 'The shared key the sender uses to compute the HMAC of the raw body.',
};

function numberOrUndefined(s: string): number | undefined {
  return s.trim() === '' ? undefined : Number(s);
}

export function HookSettingsForm({ hook }: { hook: ApiHook }) {
  const v = hook.verification;
  const [methods, setMethods] = useState<string[]>(hook.allowedMethods);
  const [scheme, setScheme] = useState<string>(v.scheme);
  const [secret, setSecret] = useState('');
  const [secondarySecret, setSecondarySecret] = useState('');
  const [keepCurrent, setKeepCurrent] = useState(true);
  const [removeSecondary, setRemoveSecondary] = useState(false);
  const [header, setHeader] = useState(v.header ?? 'x-signature');
  const [encoding, setEncoding] = useState<string>(v.encoding ?? 'hex');
  const [prefix, setPrefix] = useState(v.prefix ?? '');
  const [tolerance, setTolerance] = useState(v.toleranceSeconds ? String(v.toleranceSeconds) : '');
  const [ips, setIps] = useState(hook.allowedIps.join('\n'));
  const [maxBody, setMaxBody] = useState(String(hook.maxBodyBytes));
  const [noLimit, setNoLimit] = useState(hook.rateLimit === null);
  const [perSecond, setPerSecond] = useState(String(hook.rateLimit?.perSecond ?? 100));
  const [burst, setBurst] = useState(String(hook.rateLimit?.burst ?? 200));
  const [dedupe, setDedupe] = useState(hook.dedupe?.expression ?? '');
  const [customResponse, setCustomResponse] = useState(hook.response !== null);
  const [resStatus, setResStatus] = useState(String(hook.response?.status ?? 202));
  const [resType, setResType] = useState(hook.response?.contentType ?? 'application/json');
  const [resBody, setResBody] = useState(hook.response?.body ?? '{"id":"{{id}}"}');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const sameScheme = scheme === v.scheme;
  const storedSecrets = sameScheme ? v.secretCount : 0;
  const ipLines = ips.split('\n');

  function buildInput() {
    const verification: Record<string, unknown> = { scheme };
    if (scheme !== 'none') {
      if (secret) verification.secret = secret;
      if (secret && sameScheme && keepCurrent) verification.keepCurrentSecret = true;
      if (secondarySecret) verification.secondarySecret = secondarySecret;
      else if (removeSecondary) verification.secondarySecret = null;
      if (scheme === 'hmac-sha256') {
        verification.header = header;
        verification.encoding = encoding;
        verification.prefix = prefix;
      }
      if (TIMESTAMPED.has(scheme) && tolerance.trim()) verification.toleranceSeconds = Number(tolerance);
    }
    return {
      allowedMethods: methods,
      verification,
      // Line numbers in errors must match what the user typed, so only trailing blank lines are dropped.
      allowedIps: ips.replace(/\s+$/, '') === '' ? [] : ips.replace(/\s+$/, '').split('\n'),
      maxBodyBytes: numberOrUndefined(maxBody) ?? Number.NaN,
      rateLimit: noLimit ? null : { perSecond: Number(perSecond), burst: Number(burst) },
      dedupe: dedupe.trim() ? { expression: dedupe } : null,
      response: customResponse ? { status: Number(resStatus), contentType: resType, body: resBody } : null,
    };
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaving(true);
    const result = await updateHookAction(hook.id, buildInput());
    setSaving(false);
    if (!result.ok) {
      setFields(result.fields ?? {});
      toast.error(result.error);
      return;
    }
    setFields({});
    setSecret('');
    setSecondarySecret('');
    setRemoveSecondary(false);
    toast.success(result.message);
  }

  const ipErrors = Object.entries(fields)
    .filter(([k]) => k.startsWith('allowedIps.'))
    .map(([k, msg]) => {
      const line = Number(k.split('.')[1]) + 1;
      return `Line ${line} (${ipLines[line - 1] ?? ''}): ${msg}`;
    });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
        <CardDescription>
          Who may call this hook, how requests are checked, and what the caller gets back.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={(e) => void onSubmit(e)} className="space-y-8" aria-label="Hook settings" noValidate>
          <fieldset className="space-y-2">
            <legend className="text-sm font-semibold">Allowed methods</legend>
            <div className="flex flex-wrap gap-4">
              {HTTP_METHODS.map((m) => (
                <label key={m} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={methods.includes(m)}
                    onChange={(e) =>
                      setMethods((prev) => (e.target.checked ? [...prev, m] : prev.filter((x) => x !== m)))
                    }
                  />
                  <span className="font-mono">{m}</span>
                </label>
              ))}
            </div>
            <p className="text-xs text-muted-foreground">Other methods are answered with 405.</p>
            {fields.allowedMethods && (
              <p className="text-xs font-medium text-danger-text">{fields.allowedMethods}</p>
            )}
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold">Signature verification</legend>
            <div className="grid gap-4 md:grid-cols-2">
              <Field
                id="hook-scheme"
                label="Scheme"
                error={fields['verification.scheme']}
                hint="Requests without a valid signature are rejected with 401."
              >
                <Select value={scheme} onChange={(e) => setScheme(e.target.value)}>
                  {VERIFICATION_SCHEMES.map((s) => (
                    <option key={s} value={s}>
                      {SCHEME_LABELS[s] ?? s}
                    </option>
                  ))}
                </Select>
              </Field>
              {scheme !== 'none' && (
                <p className="self-center text-sm text-muted-foreground" aria-live="polite">
                  {storedSecrets === 0
                    ? 'No secret set yet.'
                    : storedSecrets === 1
                      ? '1 secret set.'
                      : '2 secrets set (rotation: either one is accepted).'}
                </p>
              )}
            </div>
            {scheme !== 'none' && (
              <div className="grid gap-4 md:grid-cols-2">
                <Field
                  id="hook-secret"
                  label={storedSecrets > 0 ? 'New secret' : 'Secret'}
                  error={fields['verification.secret']}
                  hint={`${SECRET_HINTS[scheme] ?? ''} Write-only: it is stored encrypted and never shown again.${storedSecrets > 0 ? ' Leave empty to keep the current one.' : ''}`}
                >
                  <Input
                    type="password"
                    autoComplete="new-password"
                    value={secret}
                    onChange={(e) => setSecret(e.target.value)}
                    placeholder={storedSecrets > 0 ? '•••••••• (unchanged)' : ''}
                  />
                </Field>
                <Field
                  id="hook-secondary-secret"
                  label="Second secret (optional)"
                  error={fields['verification.secondarySecret']}
                  hint="Also accepted while a provider rotates its secret."
                >
                  <Input
                    type="password"
                    autoComplete="new-password"
                    value={secondarySecret}
                    onChange={(e) => setSecondarySecret(e.target.value)}
                  />
                </Field>
                {secret && storedSecrets > 0 && !secondarySecret && (
                  <label className="flex items-center gap-2 text-sm md:col-span-2">
                    <input
                      type="checkbox"
                      checked={keepCurrent}
                      onChange={(e) => setKeepCurrent(e.target.checked)}
                    />
                    Keep the current secret active as the second secret while the provider switches over
                  </label>
                )}
                {storedSecrets === 2 && !secondarySecret && !secret && (
                  <label className="flex items-center gap-2 text-sm md:col-span-2">
                    <input
                      type="checkbox"
                      checked={removeSecondary}
                      onChange={(e) => setRemoveSecondary(e.target.checked)}
                    />
                    Remove the second secret (rotation finished)
                  </label>
                )}
              </div>
            )}
            {scheme === 'hmac-sha256' && (
              <div className="grid gap-4 md:grid-cols-3">
                <Field id="hook-hmac-header" label="Signature header" error={fields['verification.header']}>
                  <Input value={header} onChange={(e) => setHeader(e.target.value)} />
                </Field>
                <Field id="hook-hmac-encoding" label="Encoding" error={fields['verification.encoding']}>
                  <Select value={encoding} onChange={(e) => setEncoding(e.target.value)}>
                    <option value="hex">hex</option>
                    <option value="base64">base64</option>
                  </Select>
                </Field>
                <Field
                  id="hook-hmac-prefix"
                  label="Prefix"
                  hint="Text before the signature, e.g. sha256="
                  error={fields['verification.prefix']}
                >
                  <Input value={prefix} onChange={(e) => setPrefix(e.target.value)} />
                </Field>
              </div>
            )}
            {TIMESTAMPED.has(scheme) && (
              <Field
                id="hook-tolerance"
                label="Timestamp tolerance (seconds)"
                hint="Older signed requests are rejected as replays. Default 300."
                error={fields['verification.toleranceSeconds']}
                className="max-w-xs"
              >
                <Input
                  type="number"
                  min={1}
                  value={tolerance}
                  placeholder="300"
                  onChange={(e) => setTolerance(e.target.value)}
                />
              </Field>
            )}
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold">Limits</legend>
            <Field
              id="hook-ips"
              label="Allowed source IPs"
              hint="One IPv4/IPv6 address or CIDR range per line. Empty allows every address; others get 403."
              error={
                ipErrors.length > 0 ? (
                  <span className="flex flex-col">
                    {ipErrors.map((m) => (
                      <span key={m}>{m}</span>
                    ))}
                  </span>
                ) : (
                  fields.allowedIps
                )
              }
            >
              <Textarea
                value={ips}
                onChange={(e) => setIps(e.target.value)}
                rows={4}
                className="font-mono"
                placeholder={'203.0.113.0/24\n2001:db8::/32'}
              />
            </Field>
            <div className="grid gap-4 md:grid-cols-3">
              <Field
                id="hook-max-body"
                label="Max body size (bytes)"
                hint={`${/^\d+$/.test(maxBody) ? formatBytes(Number(maxBody)) : '—'}; larger requests get 413. At most 25 MiB.`}
                error={fields.maxBodyBytes}
              >
                <Input type="number" min={1} value={maxBody} onChange={(e) => setMaxBody(e.target.value)} />
              </Field>
              <Field
                id="hook-rate"
                label="Rate limit (requests/second)"
                error={fields['rateLimit.perSecond']}
              >
                <Input
                  type="number"
                  min={1}
                  value={perSecond}
                  disabled={noLimit}
                  onChange={(e) => setPerSecond(e.target.value)}
                />
              </Field>
              <Field
                id="hook-burst"
                label="Burst"
                hint="Requests allowed at once above the rate."
                error={fields['rateLimit.burst']}
              >
                <Input
                  type="number"
                  min={1}
                  value={burst}
                  disabled={noLimit}
                  onChange={(e) => setBurst(e.target.value)}
                />
              </Field>
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={noLimit} onChange={(e) => setNoLimit(e.target.checked)} />
              No rate limit
            </label>
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold">Deduplication</legend>
            <Field
              id="hook-dedupe"
              label="Dedupe key expression (JSONata, optional)"
              hint="Requests whose key was seen in the last 24 h are answered 200 as duplicates and start no runs. Delivery ids (webhook-id, X-GitHub-Delivery, X-Shopify-Webhook-Id, Stripe event id) are always used."
              error={fields['dedupe.expression'] ?? fields.dedupe}
            >
              <Textarea
                value={dedupe}
                onChange={(e) => setDedupe(e.target.value)}
                rows={2}
                className="font-mono"
                placeholder="data.object.id & '-' & type"
              />
            </Field>
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold">Response</legend>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={customResponse}
                onChange={(e) => setCustomResponse(e.target.checked)}
              />
              Custom response (default: 202 with {'{"id":"<event id>"}'})
            </label>
            {customResponse && (
              <div className="grid gap-4 md:grid-cols-3">
                <Field id="hook-res-status" label="Status" error={fields['response.status']} hint="200–299">
                  <Input
                    type="number"
                    min={200}
                    max={299}
                    value={resStatus}
                    onChange={(e) => setResStatus(e.target.value)}
                  />
                </Field>
                <Field
                  id="hook-res-type"
                  label="Content type"
                  error={fields['response.contentType']}
                  className="md:col-span-2"
                >
                  <Input value={resType} onChange={(e) => setResType(e.target.value)} />
                </Field>
                <Field
                  id="hook-res-body"
                  label="Body"
                  hint="{{id}} is replaced with the event id."
                  error={fields['response.body']}
                  className="md:col-span-3"
                >
                  <Textarea
                    value={resBody}
                    onChange={(e) => setResBody(e.target.value)}
                    rows={3}
                    className="font-mono"
                  />
                </Field>
              </div>
            )}
          </fieldset>

          <div className="flex justify-end">
            <Button type="submit" loading={saving}>
              Save settings
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

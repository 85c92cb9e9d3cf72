'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input, Select } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import type { ActionResult } from '@/lib/api/action';
import type { ChannelView } from '@/lib/alerts/channels';
import { CHANNEL_PRESETS, MUTE_PERIODS, RULE_KINDS } from '@/lib/alerts/kinds';
import type { AlertRule } from '@/lib/alerts/rules';

type Action<A extends unknown[]> = (...args: A) => Promise<ActionResult<unknown>>;

export interface AlertSettingsActions {
  updateRule: Action<[string, unknown]>;
  createChannel: Action<[unknown]>;
  updateChannel: Action<[string, unknown]>;
  deleteChannel: Action<[string]>;
  sendTest: Action<[string]>;
}

export function AlertSettings({
  rules,
  channels,
  emailAvailable,
  actions,
}: {
  rules: AlertRule[];
  channels: ChannelView[];
  emailAvailable: boolean;
  actions: AlertSettingsActions;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [type, setType] = useState<'webhook' | 'email'>('webhook');
  const [deleting, setDeleting] = useState<ChannelView | null>(null);

  function run(action: () => Promise<ActionResult<unknown>>, after?: () => void) {
    startTransition(async () => {
      const result = await action();
      if (!result.ok) {
        setErrors(result.fields ?? {});
        toast.error(result.error);
        return;
      }
      setErrors({});
      const message = typeof result.data === 'string' ? result.data : result.message;
      if (message) toast.success(message);
      after?.();
      router.refresh();
    });
  }

  function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '');
    const input =
      type === 'webhook'
        ? { type, name, url: String(data.get('url') ?? ''), preset: String(data.get('preset') ?? 'json') }
        : { type, name, to: String(data.get('to') ?? '') };
    run(
      () => actions.createChannel(input),
      () => form.reset(),
    );
  }

  const [now] = useState(() => Date.now());

  return (
    <div className="space-y-8">
      <Card>
        <CardHeader>
          <CardTitle>Rules</CardTitle>
          <CardDescription>
            Repeats of the same cause within the window collapse into one alert with a count; channels hear
            when it opens and when it resolves. Every alert also appears under the bell.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Table aria-label="Alert rules">
            <THead>
              <Tr>
                <Th>Rule</Th>
                <Th>Threshold</Th>
                <Th>Mute</Th>
                <Th>
                  <span className="sr-only">On</span>
                </Th>
              </Tr>
            </THead>
            <TBody>
              {rules.map((r) => {
                const info = RULE_KINDS[r.kind];
                const muted = r.mutedUntil !== null && r.mutedUntil > now;
                return (
                  <Tr key={r.kind}>
                    <Td>
                      <div className="font-medium">{info.label}</div>
                      <div className="text-xs text-muted-foreground">{info.description}</div>
                    </Td>
                    <Td>
                      {info.thresholdLabel ? (
                        <form
                          className="flex items-center gap-2"
                          onSubmit={(e) => {
                            e.preventDefault();
                            const d = new FormData(e.currentTarget);
                            const input: Record<string, number> = { threshold: Number(d.get('threshold')) };
                            if (d.has('minRuns')) input.minRuns = Number(d.get('minRuns'));
                            run(() => actions.updateRule(r.kind, input));
                          }}
                        >
                          <Input
                            name="threshold"
                            type="number"
                            min="1"
                            aria-label={`${info.label}: ${info.thresholdLabel}`}
                            defaultValue={r.threshold ?? info.defaultThreshold ?? ''}
                            className="w-20!"
                          />
                          {r.kind === 'failure_rate' && (
                            <Input
                              name="minRuns"
                              type="number"
                              min="1"
                              aria-label={`${info.label}: at least this many runs`}
                              title="At least this many runs"
                              defaultValue={r.minRuns ?? info.defaultMinRuns ?? ''}
                              className="w-16!"
                            />
                          )}
                          <Button type="submit" variant="ghost" size="sm">
                            Save
                          </Button>
                        </form>
                      ) : (
                        <span className="text-xs text-muted-foreground">—</span>
                      )}
                    </Td>
                    <Td>
                      {muted ? (
                        <div className="flex items-center gap-2">
                          <Badge tone="warning">Muted until {new Date(r.mutedUntil!).toLocaleString()}</Badge>
                          <Button
                            variant="ghost"
                            size="sm"
                            onClick={() => run(() => actions.updateRule(r.kind, { muteHours: 0 }))}
                          >
                            Unmute
                          </Button>
                        </div>
                      ) : (
                        <Select
                          aria-label={`Mute ${info.label}`}
                          value=""
                          onChange={(e) =>
                            e.target.value &&
                            run(() => actions.updateRule(r.kind, { muteHours: Number(e.target.value) }))
                          }
                        >
                          <option value="">Not muted</option>
                          {MUTE_PERIODS.map((p) => (
                            <option key={p.value} value={p.value}>
                              Mute for {p.label}
                            </option>
                          ))}
                        </Select>
                      )}
                    </Td>
                    <Td className="text-right">
                      <Switch
                        label={`${info.label} enabled`}
                        hideLabel
                        checked={r.enabled}
                        disabled={pending}
                        onCheckedChange={(v) => run(() => actions.updateRule(r.kind, { enabled: v }))}
                      />
                    </Td>
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Channels</CardTitle>
          <CardDescription>
            Where alerts go besides the bell: a webhook (Slack- or Discord-compatible, or generic JSON) or
            email. Webhook URLs are stored encrypted and shown only by host.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-6">
          <form onSubmit={onCreate} className="grid items-start gap-3 sm:grid-cols-2">
            <Field id="channel-type" label="Type">
              <Select value={type} onChange={(e) => setType(e.target.value as 'webhook' | 'email')}>
                <option value="webhook">Webhook</option>
                <option value="email" disabled={!emailAvailable}>
                  Email{emailAvailable ? '' : ' (set HOOKLINE_SMTP_URL)'}
                </option>
              </Select>
            </Field>
            <Field id="channel-name" label="Channel name" error={errors.name}>
              <Input name="name" placeholder="On-call" autoComplete="off" />
            </Field>
            {type === 'webhook' ? (
              <>
                <Field id="channel-url" label="Webhook URL" error={errors.url}>
                  <Input name="url" type="url" placeholder="https://hooks.slack.com/services/…" />
                </Field>
                <Field id="channel-preset" label="Format">
                  <Select name="preset" defaultValue="slack">
                    {CHANNEL_PRESETS.map((p) => (
                      <option key={p.value} value={p.value}>
                        {p.label}
                      </option>
                    ))}
                  </Select>
                </Field>
              </>
            ) : (
              <Field id="channel-to" label="Email address" error={errors.to}>
                <Input name="to" type="email" placeholder="oncall@example.com" />
              </Field>
            )}
            <div className="sm:col-span-2">
              <Button type="submit" loading={pending}>
                Add channel
              </Button>
            </div>
          </form>

          {channels.length === 0 ? (
            <EmptyState title="No channels" description="Alerts appear under the bell only." />
          ) : (
            <Table aria-label="Alert channels">
              <THead>
                <Tr>
                  <Th>Name</Th>
                  <Th>Type</Th>
                  <Th>Target</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </Tr>
              </THead>
              <TBody>
                {channels.map((c) => (
                  <Tr key={c.id}>
                    <Td className="font-medium">{c.name}</Td>
                    <Td>
                      {c.type === 'email' ? 'Email' : `Webhook (${c.preset ?? 'json'})`}
                      {!c.enabled && (
                        <Badge tone="warning" className="ml-2">
                          Off
                        </Badge>
                      )}
                    </Td>
                    <Td className="font-mono text-xs">{c.target}</Td>
                    <Td className="text-right whitespace-nowrap">
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Send test to ${c.name}`}
                        onClick={() => run(() => actions.sendTest(c.id))}
                      >
                        Send test
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => run(() => actions.updateChannel(c.id, { enabled: !c.enabled }))}
                      >
                        {c.enabled ? 'Turn off' : 'Turn on'}
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Delete ${c.name}`}
                        onClick={() => setDeleting(c)}
                      >
                        Delete
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'channel'}?`}
        message="Alerts stop going to this channel."
        confirmLabel="Delete channel"
        danger
        onConfirm={() => {
          const c = deleting;
          if (c)
            run(
              () => actions.deleteChannel(c.id),
              () => setDeleting(null),
            );
        }}
      />
    </div>
  );
}

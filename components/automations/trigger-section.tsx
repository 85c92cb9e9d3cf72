'use client';

import { Cron } from 'croner';
import Link from 'next/link';
import { useMemo } from 'react';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input, Label, Select } from '@/components/ui/input';
import { CodeEditor } from '@/components/editor/code-editor';
import { triggerInput, type DraftTrigger, type TriggerType } from './draft';
import { HeaderList } from './header-list';
import { PollNow } from './poll-now';

export interface HookOption {
  id: string;
  name: string;
}

const TYPES: { value: TriggerType; label: string }[] = [
  { value: 'webhook', label: 'Webhook: events received on a hook' },
  { value: 'schedule', label: 'Schedule: on a cron schedule' },
  { value: 'poll', label: 'Poll: new items from an API' },
  { value: 'silence', label: 'Silence: a hook received nothing for a while' },
];

export function nextRuns(cron: string, timezone: string, count = 5): Date[] | string {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return 'Cron needs 5 fields, or 6 with seconds first';
  try {
    // The scheduler's default is UTC, not the browser's zone.
    return new Cron(cron, { timezone: timezone || 'UTC', paused: true }).nextRuns(count);
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : 'Invalid cron';
  }
}

export function TriggerSection({
  trigger,
  automationId = null,
  hooks,
  userTimezone,
  errors,
  onChange,
}: {
  trigger: DraftTrigger;
  /** The saved automation, if any: Poll now marks the items it has already seen. */
  automationId?: string | null;
  hooks: HookOption[];
  userTimezone: string;
  errors: Record<string, string>;
  onChange: (patch: Partial<DraftTrigger>) => void;
}) {
  const err = (k: string) => errors[`trigger.${k}`];
  const runs = useMemo(
    () => (trigger.type === 'schedule' ? nextRuns(trigger.cron, trigger.timezone) : []),
    [trigger.type, trigger.cron, trigger.timezone],
  );
  const format = useMemo(() => {
    try {
      return new Intl.DateTimeFormat(undefined, {
        dateStyle: 'medium',
        timeStyle: 'medium',
        timeZone: userTimezone,
        timeZoneName: 'short',
      });
    } catch {
      return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    }
  }, [userTimezone]);

  const hookPicker = (
    <Field id="trigger-hook" label="Hook" error={err('hookId')}>
      <Select value={trigger.hookId} onChange={(e) => onChange({ hookId: e.target.value })}>
        <option value="">Choose a hook…</option>
        {hooks.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </Select>
    </Field>
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Trigger</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <Field id="trigger-type" label="Trigger type" error={err('type')}>
          <Select value={trigger.type} onChange={(e) => onChange({ type: e.target.value as TriggerType })}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </Field>

        {(trigger.type === 'webhook' || trigger.type === 'silence') && (
          <>
            {hookPicker}
            {hooks.length === 0 && (
              <p className="text-sm text-muted-foreground">
                No hooks yet.{' '}
                <Link href="/hooks" className="text-accent-text underline">
                  Create a hook
                </Link>{' '}
                first.
              </p>
            )}
          </>
        )}

        {trigger.type === 'silence' && (
          <Field
            id="trigger-after"
            label="Fire after (seconds without an event)"
            hint="At least 60"
            error={err('afterSeconds')}
          >
            <Input
              type="number"
              min={60}
              value={trigger.afterSeconds}
              onChange={(e) => onChange({ afterSeconds: Number(e.target.value) })}
            />
          </Field>
        )}

        {trigger.type === 'schedule' && (
          <>
            <div className="grid gap-3 sm:grid-cols-2">
              <Field
                id="trigger-cron"
                label="Cron"
                hint="5 fields, or 6 with seconds first"
                error={err('cron')}
              >
                <Input
                  className="font-mono"
                  value={trigger.cron}
                  onChange={(e) => onChange({ cron: e.target.value })}
                />
              </Field>
              <Field
                id="trigger-timezone"
                label="Timezone"
                hint="e.g. Europe/Paris; default UTC"
                error={err('timezone')}
              >
                <Input value={trigger.timezone} onChange={(e) => onChange({ timezone: e.target.value })} />
              </Field>
            </div>
            <div aria-label="Next fire times" role="region">
              <p className="text-sm font-medium">Next five fire times ({userTimezone})</p>
              {typeof runs === 'string' ? (
                <p className="text-sm text-danger-text">{runs}</p>
              ) : (
                <ol className="mt-1 list-inside list-decimal font-mono text-xs text-muted-foreground">
                  {runs.map((d) => (
                    <li key={d.toISOString()}>{format.format(d)}</li>
                  ))}
                </ol>
              )}
            </div>
          </>
        )}

        {trigger.type === 'poll' && (
          <>
            <div className="grid gap-3 sm:grid-cols-[8rem_1fr]">
              <Field id="trigger-poll-method" label="Method">
                <Select
                  value={trigger.pollMethod}
                  onChange={(e) => onChange({ pollMethod: e.target.value as 'GET' | 'POST' })}
                >
                  <option>GET</option>
                  <option>POST</option>
                </Select>
              </Field>
              <div className="flex flex-col gap-1.5">
                <Label>URL</Label>
                <CodeEditor
                  label="Poll URL"
                  kind="template"
                  singleLine
                  value={trigger.pollUrl}
                  externalError={err('url')}
                  onChange={(pollUrl) => onChange({ pollUrl })}
                />
              </div>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label>Headers</Label>
              <HeaderList
                label="Poll header"
                rows={trigger.pollHeaders}
                onChange={(pollHeaders) => onChange({ pollHeaders })}
              />
            </div>
            <Field
              id="trigger-interval"
              label="Interval (seconds)"
              hint="At least 5"
              error={err('intervalSeconds')}
            >
              <Input
                type="number"
                min={5}
                value={trigger.intervalSeconds}
                onChange={(e) => onChange({ intervalSeconds: Number(e.target.value) })}
              />
            </Field>
            <div className="grid gap-3 sm:grid-cols-2">
              <div className="flex flex-col gap-1.5">
                <Label>Items (JSONata: the list in the response)</Label>
                <CodeEditor
                  label="Poll items"
                  singleLine
                  value={trigger.items}
                  externalError={err('items')}
                  onChange={(items) => onChange({ items })}
                />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label>Key (JSONata, per item: its identity)</Label>
                <CodeEditor
                  label="Poll key"
                  singleLine
                  value={trigger.key}
                  externalError={err('key')}
                  onChange={(key) => onChange({ key })}
                />
              </div>
            </div>
            <p className="text-xs text-muted-foreground">
              The first poll only records the items that already exist; each later new item becomes an event,
              in the order the items expression gives them (e.g.{' '}
              <code className="font-mono">$reverse(items)</code> for oldest first when the API lists newest
              first).
            </p>
            <PollNow trigger={triggerInput(trigger)} automationId={automationId} />
          </>
        )}
      </CardContent>
    </Card>
  );
}

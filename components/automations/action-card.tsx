'use client';

import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { Field, Input, Label, Select } from '@/components/ui/input';
import { TrashIcon } from '@/components/ui/icons';
import { CodeEditor } from '@/components/editor/code-editor';
import { ACTION_METHODS, generateSigningSecret, type DraftAction, type Method } from './draft';
import { HeaderList } from './header-list';

export function ActionCard({
  action,
  index,
  count,
  errors,
  onChange,
  onRemove,
  onMove,
}: {
  action: DraftAction;
  index: number;
  count: number;
  errors: Record<string, string>;
  onChange: (patch: Partial<DraftAction>) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
}) {
  const n = index + 1;
  const prefix = `actions.${index}.`;
  const err = (key: string) => errors[prefix + key];
  const headerErrors: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    if (k.startsWith(`${prefix}headers.`)) headerErrors[k.slice(`${prefix}headers.`.length)] = v;
  }
  const id = (name: string) => `action-${action.uid}-${name}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h3">
          Action {n}: {action.name || 'Untitled'}
        </CardTitle>
        <div className="flex gap-1">
          <Button
            variant="ghost"
            size="sm"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={`Move action ${n} up`}
          >
            ↑
          </Button>
          <Button
            variant="ghost"
            size="sm"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`Move action ${n} down`}
          >
            ↓
          </Button>
          <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove action ${n}`}>
            <TrashIcon />
          </Button>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div className="grid gap-3 sm:grid-cols-[1fr_8rem]">
          <Field id={id('name')} label={`Action ${n} name`} error={err('name')}>
            <Input value={action.name} onChange={(e) => onChange({ name: e.target.value })} />
          </Field>
          <Field id={id('method')} label={`Action ${n} method`} error={err('method')}>
            <Select value={action.method} onChange={(e) => onChange({ method: e.target.value as Method })}>
              {ACTION_METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label>URL</Label>
          <CodeEditor
            label={`Action ${n} URL`}
            kind="template"
            singleLine
            value={action.url}
            externalError={err('url')}
            placeholder="https://api.example.com/orders/{{ id }}"
            onChange={(url) => onChange({ url })}
          />
          <p className="text-xs text-muted-foreground">
            <code className="font-mono">{'{{ expression }}'}</code> placeholders are JSONata; their values are
            percent-encoded.
          </p>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label>Headers</Label>
          <HeaderList
            label={`Action ${n} header`}
            rows={action.headers}
            errors={headerErrors}
            onChange={(headers) => onChange({ headers })}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label>Body</Label>
          <CodeEditor
            label={`Action ${n} body`}
            value={action.body}
            externalError={err('body')}
            placeholder="Empty: forward the received body unchanged"
            onChange={(body) => onChange({ body })}
          />
          <p className="text-xs text-muted-foreground">
            A JSONata expression. Objects and arrays are sent as JSON, strings as text. Leave empty to forward
            the received body byte for byte.
          </p>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label>Only when (optional)</Label>
          <CodeEditor
            label={`Action ${n} when`}
            singleLine
            value={action.when}
            externalError={err('when')}
            placeholder="e.g. $steps[0].status = 200"
            onChange={(when) => onChange({ when })}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={id('timeout')} label="Timeout (ms)" hint="100 – 60 000" error={err('timeoutMs')}>
            <Input
              type="number"
              min={100}
              max={60000}
              value={action.timeoutMs}
              onChange={(e) => onChange({ timeoutMs: Number(e.target.value) })}
            />
          </Field>
          <Field id={id('attempts')} label="Max attempts" hint="1 – 20" error={err('retry.maxAttempts')}>
            <Input
              type="number"
              min={1}
              max={20}
              value={action.maxAttempts}
              onChange={(e) => onChange({ maxAttempts: Number(e.target.value) })}
            />
          </Field>
        </div>
        <SigningSecret action={action} n={n} error={err('signingSecret')} onChange={onChange} />
      </CardContent>
    </Card>
  );
}

function SigningSecret({
  action,
  n,
  error,
  onChange,
}: {
  action: DraftAction;
  n: number;
  error?: string;
  onChange: (patch: Partial<DraftAction>) => void;
}) {
  const active = action.signing === 'set' || (action.signing === 'keep' && action.hasStoredSecret);
  return (
    <div className="flex flex-col gap-2 rounded-md border border-border p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <p className="text-sm font-medium">Signing secret</p>
          <p className="text-xs text-muted-foreground">
            {active
              ? 'Requests are signed with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature).'
              : 'Not signed. Generate a secret to sign requests with Standard Webhooks headers.'}
          </p>
        </div>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            aria-label={`Generate signing secret for action ${n}`}
            onClick={() => onChange({ signing: 'set', newSecret: generateSigningSecret() })}
          >
            {active ? 'Generate new' : 'Generate'}
          </Button>
          {active && (
            <Button variant="ghost" size="sm" onClick={() => onChange({ signing: 'clear', newSecret: '' })}>
              Remove
            </Button>
          )}
        </div>
      </div>
      {action.signing === 'set' && action.newSecret && (
        <div className="flex flex-col gap-1" role="status">
          <p className="text-xs font-medium">Copy this secret now: after saving it is never shown again.</p>
          <CodeBlock code={action.newSecret} copyLabel="Copy signing secret" />
        </div>
      )}
      {action.signing === 'clear' && <p className="text-xs text-muted-foreground">Removed when you save.</p>}
      {error && <p className="text-xs font-medium text-danger-text">{error}</p>}
    </div>
  );
}

'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { CopyButton } from '@/components/ui/copy-button';
import { JsonTree } from '@/components/ui/json-tree';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { Tabs } from '@/components/ui/tabs';
import type { EventDetail } from '@/lib/events/events';
import { formatBytes, verificationLook } from './format';

/** Everything recorded about one request. Payload content is rendered as text only. */
export function EventDetailView({ event, actions }: { event: EventDetail; actions?: ReactNode }) {
  const v = verificationLook(event.verification);
  const headerEntries = Object.entries(event.headers).sort(([a], [b]) => a.localeCompare(b));
  const queryEntries = Object.entries(event.query);

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Summary</CardTitle>
          {actions}
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Item label="Received">
              <time dateTime={new Date(event.receivedAt).toISOString()}>
                {new Date(event.receivedAt).toISOString().replace('T', ' ').replace('Z', ' UTC')}
              </time>
            </Item>
            <Item label="Request">
              <span className="font-mono text-xs break-all">
                {event.method} {event.path || '—'}
              </span>
            </Item>
            <Item label="Outcome">
              <span className="flex flex-wrap items-center gap-2">
                <StatusBadge status={event.outcome} />
                {event.outcome === 'rejected' && (
                  <span className="text-danger-text">
                    {event.rejectStatus ? `${event.rejectStatus} · ` : ''}
                    {event.rejectReason ?? ''}
                  </span>
                )}
                {event.duplicateOf && event.hookId && (
                  <Link
                    className="text-xs underline"
                    href={`/hooks/${event.hookId}/events/${event.duplicateOf}`}
                  >
                    duplicate of {event.duplicateOf}
                  </Link>
                )}
              </span>
            </Item>
            <Item label="Verification">
              <Badge tone={v.tone}>{v.label}</Badge>
            </Item>
            <Item label="Content type">
              <span className="font-mono text-xs">{event.contentType ?? '—'}</span>
            </Item>
            <Item label="Size">{formatBytes(event.size)}</Item>
            <Item label="Source IP">
              <span className="font-mono text-xs">{event.sourceIp ?? '—'}</span>
            </Item>
            <Item label="Dedupe key">
              <span className="font-mono text-xs break-all">{event.dedupeKey ?? '—'}</span>
            </Item>
            <Item label="Event id">
              <span className="flex items-center gap-1 font-mono text-xs">
                {event.id}
                <CopyButton value={event.id} label="Copy event id" />
              </span>
            </Item>
          </dl>
          {event.runs.length > 0 && (
            <div className="mt-4 border-t border-border pt-4">
              <h3 className="mb-2 text-sm font-medium">Runs started</h3>
              <ul className="flex flex-col gap-1.5">
                {event.runs.map((r) => (
                  <li key={r.id} className="flex items-center gap-2 text-sm">
                    <StatusBadge status={r.status} />
                    <Link href={`/runs/${r.id}`} className="font-mono text-xs hover:underline">
                      {r.id}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Body</CardTitle>
        </CardHeader>
        <CardContent>
          <BodyView event={event} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Headers</CardTitle>
          {headerEntries.length > 0 && (
            <CopyButton
              value={JSON.stringify(event.headers, null, 2)}
              label="Copy headers as JSON"
              variant="secondary"
            />
          )}
        </CardHeader>
        <CardContent>
          <KeyValueTable label="Headers" entries={headerEntries} empty="No headers were recorded." />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Query</CardTitle>
        </CardHeader>
        <CardContent>
          <KeyValueTable label="Query parameters" entries={queryEntries} empty="No query parameters." />
        </CardContent>
      </Card>
    </div>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

function KeyValueTable({
  label,
  entries,
  empty,
}: {
  label: string;
  entries: [string, unknown][];
  empty: string;
}) {
  if (entries.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <Table aria-label={label}>
      <THead>
        <Tr>
          <Th>Name</Th>
          <Th>Value</Th>
        </Tr>
      </THead>
      <TBody>
        {entries.map(([k, value]) => (
          <Tr key={k}>
            <Td className="w-1/4 align-top font-mono text-xs whitespace-nowrap">{k}</Td>
            <Td className="font-mono text-xs break-all">{display(value)}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

function BodyView({ event }: { event: EventDetail }) {
  const { body } = event;
  const hasTree =
    (body.kind === 'json' || body.kind === 'form' || body.kind === 'multipart') && body.parsed !== null;
  const [mode, setMode] = useState<'tree' | 'raw'>(hasTree ? 'tree' : 'raw');

  if (body.raw === null) {
    return (
      <p className="text-sm text-muted-foreground">
        {event.outcome === 'rejected'
          ? 'The body of a rejected request is not stored; only its metadata is kept.'
          : 'No body was stored for this event.'}
      </p>
    );
  }
  if (body.raw === '' && body.kind === 'empty') {
    return <p className="text-sm text-muted-foreground">The request had an empty body.</p>;
  }

  const raw = (
    <div className="space-y-1.5">
      {body.encoding === 'base64' && (
        <p className="text-xs text-muted-foreground">Binary body, shown as base64.</p>
      )}
      <CodeBlock
        code={body.raw}
        copyLabel={body.encoding === 'base64' ? 'Copy body (base64)' : 'Copy raw body'}
      />
    </div>
  );
  if (!hasTree) return raw;

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-xs text-muted-foreground">
          {body.kind === 'json' ? 'JSON' : body.kind === 'form' ? 'Form fields' : 'Multipart fields'}
        </span>
        <div className="flex items-center gap-1">
          <CopyButton
            value={JSON.stringify(body.parsed, null, 2)}
            label="Copy parsed body as JSON"
            variant="secondary"
          />
        </div>
      </div>
      <Tabs
        label="Body view"
        value={mode}
        onValueChange={(id) => setMode(id as 'tree' | 'raw')}
        tabs={[
          { id: 'tree', label: 'Tree', content: <JsonTree data={body.parsed} label="Request body" /> },
          { id: 'raw', label: 'Raw', content: raw },
        ]}
      />
    </div>
  );
}

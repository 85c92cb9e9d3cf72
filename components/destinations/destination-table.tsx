'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ExternalIcon } from '@/components/ui/icons';
import { Field, Input } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { ActionResult } from '@/lib/api/action';
import type { DestinationView } from '@/lib/destinations/destinations';

type UpdateAction = (host: string, input: unknown) => Promise<ActionResult<unknown>>;

const REFRESH_MS = 10_000;

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)} %`;
}

function ms(value: number | null): string {
  return value === null ? '—' : `${value} ms`;
}

export function DestinationTable({
  destinations,
  updateAction,
}: {
  destinations: DestinationView[];
  updateAction: UpdateAction;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [editing, setEditing] = useState<DestinationView | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  // Circuit state and in-flight counts change on their own: refresh the server-rendered figures now and then.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [router]);

  function update(host: string, input: unknown, after?: () => void) {
    startTransition(async () => {
      const result = await updateAction(host, input);
      if (!result.ok) {
        setErrors(result.fields ?? { _: result.error });
        toast.error(result.error);
        return;
      }
      setErrors({});
      toast.success(result.message);
      after?.();
      router.refresh();
    });
  }

  function onSave(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!editing) return;
    const data = new FormData(e.currentTarget);
    const num = (name: string) => {
      const v = String(data.get(name) ?? '').trim();
      return v === '' ? null : Number(v);
    };
    update(editing.host, { maxPerSecond: num('maxPerSecond'), maxConcurrency: num('maxConcurrency') }, () =>
      setEditing(null),
    );
  }

  if (destinations.length === 0) {
    return (
      <EmptyState
        icon={<ExternalIcon className="size-6" />}
        title="No destinations yet"
        description="Hosts appear here once an automation has an action that calls them."
      />
    );
  }

  return (
    <>
      <Table aria-label="Destinations">
        <THead>
          <Tr>
            <Th>Host</Th>
            <Th className="text-right">Requests (24 h)</Th>
            <Th className="text-right">Success</Th>
            <Th className="text-right">p50 / p95</Th>
            <Th>Circuit</Th>
            <Th className="text-right">In flight</Th>
            <Th>Limits</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </Tr>
        </THead>
        <TBody>
          {destinations.map((d) => (
            <Tr key={d.host}>
              <Td className="font-mono text-xs font-medium">
                {d.host}
                {d.paused && (
                  <Badge tone="warning" className="ml-2">
                    Paused
                  </Badge>
                )}
              </Td>
              <Td className="text-right tabular-nums">{d.volume24h}</Td>
              <Td className="text-right tabular-nums">{percent(d.successRate)}</Td>
              <Td className="text-right tabular-nums whitespace-nowrap">
                {ms(d.p50Ms)} / {ms(d.p95Ms)}
              </Td>
              <Td>
                {d.circuit === 'open' && d.openUntil ? (
                  <span className="text-sm">
                    <Badge tone="danger">Open</Badge> until {new Date(d.openUntil).toLocaleTimeString()}
                  </span>
                ) : (
                  <span className="text-sm">
                    <Badge tone="success">Closed</Badge>
                    {d.consecutiveFailures > 0 && (
                      <span className="ml-1 text-xs text-muted-foreground">
                        {d.consecutiveFailures} failing
                      </span>
                    )}
                  </span>
                )}
                {d.lastFailureAt && (
                  <div className="text-xs text-muted-foreground">
                    last failure <TimeAgo date={d.lastFailureAt} />
                  </div>
                )}
              </Td>
              <Td className="text-right tabular-nums">{d.inFlight}</Td>
              <Td className="text-xs text-muted-foreground whitespace-nowrap">
                {d.maxPerSecond !== null ? `${d.maxPerSecond}/s` : 'no rate limit'}
                <br />
                {d.maxConcurrency !== null ? `${d.maxConcurrency} at once` : 'default concurrency'}
              </Td>
              <Td className="text-right whitespace-nowrap">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Limits for ${d.host}`}
                  onClick={() => {
                    setErrors({});
                    setEditing(d);
                  }}
                >
                  Limits
                </Button>
                <Button
                  variant={d.paused ? 'primary' : 'secondary'}
                  size="sm"
                  loading={pending}
                  aria-label={`${d.paused ? 'Resume' : 'Pause'} ${d.host}`}
                  onClick={() => update(d.host, { paused: !d.paused })}
                >
                  {d.paused ? 'Resume' : 'Pause'}
                </Button>
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      <Dialog
        open={!!editing}
        onOpenChange={(open) => !open && setEditing(null)}
        title={`Limits for ${editing?.host ?? ''}`}
        description="Deliveries over a limit wait their turn; they never fail because of it. Leave a field empty for no limit."
      >
        {editing && (
          <form onSubmit={onSave} className="space-y-4">
            <Field id="dest-rate" label="Max requests per second" error={errors.maxPerSecond}>
              <Input
                name="maxPerSecond"
                type="number"
                min="0.1"
                step="any"
                defaultValue={editing.maxPerSecond ?? ''}
                placeholder="No limit"
              />
            </Field>
            <Field
              id="dest-concurrency"
              label="Max concurrent requests"
              hint="Empty: the worker's default per host"
              error={errors.maxConcurrency}
            >
              <Input
                name="maxConcurrency"
                type="number"
                min="1"
                step="1"
                defaultValue={editing.maxConcurrency ?? ''}
                placeholder="Default"
              />
            </Field>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setEditing(null)}>
                Cancel
              </Button>
              <Button type="submit" loading={pending}>
                Save limits
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { TimeAgo } from '@/components/ui/time-ago';
import type { RetentionOverview } from '@/lib/runs/retention';
import { pruneNowAction, saveRetentionAction } from './actions';

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function RetentionClient({ overview }: { overview: RetentionOverview }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [pruning, setPruning] = useState(false);

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaving(true);
    const result = await saveRetentionAction(Object.fromEntries(new FormData(e.currentTarget)));
    setSaving(false);
    setError(result.ok ? undefined : (result.fields?.retentionDays ?? result.error));
    if (result.ok) {
      toast.success(result.message ?? 'Saved');
      router.refresh();
    } else toast.error(result.error);
  }

  async function prune() {
    setPruning(true);
    const result = await pruneNowAction();
    setPruning(false);
    if (!result.ok || !result.data) {
      toast.error(result.ok ? 'Prune failed' : result.error);
      return;
    }
    const n = result.data.events;
    toast.success(`Pruned ${n.toLocaleString('en-US')} ${n === 1 ? 'event' : 'events'} with their runs`);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>History retention</CardTitle>
          <CardDescription>
            Events older than this are deleted with their runs and attempts, every day and when you prune now.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={(e) => void save(e)} className="flex flex-wrap items-end gap-3">
            <Field
              id="retention-days"
              label="Keep history for (days)"
              hint={`Default ${overview.defaultDays} days.`}
              error={error}
            >
              <Input
                id="retention-days"
                name="retentionDays"
                type="number"
                min={1}
                max={3650}
                required
                defaultValue={overview.retentionDays}
                className="w-32"
              />
            </Field>
            <Button type="submit" loading={saving}>
              Save
            </Button>
          </form>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Storage</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs text-muted-foreground">Database size</dt>
              <dd className="font-medium tabular-nums" data-testid="database-size">
                {formatBytes(overview.databaseBytes)}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">Events stored</dt>
              <dd className="font-medium tabular-nums">{overview.events.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">Oldest event</dt>
              <dd className="font-medium">
                {overview.oldestEventAt !== null ? <TimeAgo date={overview.oldestEventAt} /> : '—'}
              </dd>
            </div>
          </dl>
          <Button variant="secondary" onClick={() => void prune()} loading={pruning}>
            Prune now
          </Button>
        </CardContent>
      </Card>
    </div>
  );
}

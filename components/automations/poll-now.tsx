'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';

// "Poll now": the poll request made for real, with the items and keys it extracts; nothing is stored and no run
// starts. `seen` comes from the saved automation: seen items are the ones its next poll would not turn into runs.

interface PollNowResult {
  status: number | null;
  items: { key: string; item: unknown; seen: boolean }[];
  error?: string;
}

const MAX_SHOWN = 50;

function itemText(item: unknown): string {
  const text = JSON.stringify(item);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function PollNow({
  trigger,
  automationId,
}: {
  trigger: Record<string, unknown>;
  automationId: string | null;
}) {
  const [result, setResult] = useState<PollNowResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function poll() {
    setLoading(true);
    setFailure(null);
    try {
      const res = await fetch('/api/ui/automations/poll-now', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ automationId, draft: { trigger } }),
      });
      const json = (await res.json()) as unknown;
      if (!res.ok) {
        setResult(null);
        const message = (json as { error?: { message?: string } }).error?.message;
        setFailure(message ?? 'Poll failed');
      } else {
        setResult(json as PollNowResult);
      }
    } catch {
      setFailure('Could not reach Hookline');
    } finally {
      setLoading(false);
    }
  }

  const newCount = result?.items.filter((i) => !i.seen).length ?? 0;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" loading={loading} onClick={() => void poll()}>
          Poll now
        </Button>
        <span className="text-xs text-muted-foreground">
          Makes the request once and shows the items and keys; starts no runs.
        </span>
      </div>
      {failure && (
        <p role="alert" className="text-sm text-danger-text">
          {failure}
        </p>
      )}
      {result && (
        <section aria-label="Poll preview" className="flex flex-col gap-2 text-sm">
          <p className="text-muted-foreground">
            {result.status !== null ? `HTTP ${result.status}` : 'No response'}
            {!result.error &&
              ` · ${result.items.length} item${result.items.length === 1 ? '' : 's'}` +
                (automationId ? ` · ${newCount} new` : '')}
          </p>
          {result.error ? (
            <p
              role="alert"
              className="rounded-md border border-danger/40 bg-danger-soft p-2 text-danger-text"
            >
              {result.error}
            </p>
          ) : result.items.length === 0 ? (
            <p className="text-muted-foreground">The items expression selected no items.</p>
          ) : (
            <Table>
              <THead>
                <Tr>
                  <Th>Key</Th>
                  <Th>State</Th>
                  <Th>Item</Th>
                </Tr>
              </THead>
              <TBody>
                {result.items.slice(0, MAX_SHOWN).map((i, n) => (
                  <Tr key={`${i.key}-${n}`}>
                    <Td className="font-mono text-xs">{i.key}</Td>
                    <Td>
                      {i.seen ? (
                        <Badge>Seen</Badge>
                      ) : (
                        <Badge tone="accent">{automationId ? 'New' : 'Found'}</Badge>
                      )}
                    </Td>
                    <Td className="max-w-md font-mono text-xs break-all text-muted-foreground">
                      {itemText(i.item)}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
          {result.items.length > MAX_SHOWN && (
            <p className="text-xs text-muted-foreground">Showing the first {MAX_SHOWN} items.</p>
          )}
        </section>
      )}
    </div>
  );
}

import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { CopyButton } from '@/components/ui/copy-button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { ApiHook, HookStats } from '@/lib/hooks/hooks';
import { SCHEME_LABELS } from './format';

export type HookListItem = ApiHook & { stats: HookStats };

export function HooksList({ hooks }: { hooks: HookListItem[] }) {
  return (
    <Table aria-label="Hooks">
      <THead>
        <Tr>
          <Th>Name</Th>
          <Th>URL</Th>
          <Th>Status</Th>
          <Th>Last event</Th>
          <Th>Last 24 h</Th>
        </Tr>
      </THead>
      <TBody>
        {hooks.map((h) => (
          <Tr key={h.id}>
            <Td className="font-medium">
              <Link href={`/hooks/${h.id}`} className="hover:underline">
                {h.name}
              </Link>
              <div className="text-xs font-normal text-muted-foreground">
                {SCHEME_LABELS[h.verification.scheme] ?? h.verification.scheme}
                {h.verification.scheme !== 'none' && ' signatures'}
              </div>
            </Td>
            <Td>
              <div className="flex max-w-md items-center gap-1">
                <code className="truncate font-mono text-xs text-muted-foreground" title={h.url}>
                  {h.url}
                </code>
                <CopyButton value={h.url} label={`Copy URL of ${h.name}`} />
              </div>
            </Td>
            <Td>
              {h.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
            </Td>
            <Td className="text-muted-foreground">
              {h.lastEventAt ? <TimeAgo date={h.lastEventAt} /> : 'Never'}
            </Td>
            <Td className="text-xs whitespace-nowrap text-muted-foreground">
              <span className="text-foreground">{h.stats.accepted}</span> accepted
              {h.stats.duplicate > 0 && <>, {h.stats.duplicate} duplicate</>}
              {h.stats.rejected > 0 && (
                <>
                  , <span className="text-danger-text">{h.stats.rejected} rejected</span>
                </>
              )}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

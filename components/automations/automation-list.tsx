'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { StatusBadge } from '@/components/ui/badge';
import { Switch } from '@/components/ui/switch';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';

export interface AutomationListRow {
  id: string;
  name: string;
  enabled: boolean;
  version: number;
  triggerSummary: string;
  lastRun: { status: string; createdAt: string } | null;
}

type Result = { ok: true; message?: string; data?: unknown } | { ok: false; error: string };

export function AutomationList({
  rows,
  setEnabled,
  duplicate,
  remove,
}: {
  rows: AutomationListRow[];
  setEnabled: (id: string, enabled: boolean) => Promise<Result>;
  duplicate: (id: string) => Promise<Result>;
  remove: (id: string) => Promise<Result>;
}) {
  const router = useRouter();
  const [deleting, setDeleting] = useState<AutomationListRow | null>(null);

  async function report(result: Result) {
    if (result.ok) {
      if (result.message) toast.success(result.message);
      router.refresh();
    } else {
      toast.error(result.error);
    }
  }

  return (
    <>
      <Table>
        <THead>
          <Tr>
            <Th>Name</Th>
            <Th>Trigger</Th>
            <Th>Enabled</Th>
            <Th>Version</Th>
            <Th>Last run</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </Tr>
        </THead>
        <TBody>
          {rows.map((a) => (
            <Tr key={a.id}>
              <Td className="font-medium">
                <Link href={`/automations/${a.id}`} className="hover:underline">
                  {a.name}
                </Link>
              </Td>
              <Td className="text-muted-foreground">{a.triggerSummary}</Td>
              <Td>
                <Switch
                  label={`Enable ${a.name}`}
                  hideLabel
                  checked={a.enabled}
                  onCheckedChange={(enabled) => void setEnabled(a.id, enabled).then(report)}
                />
              </Td>
              <Td>v{a.version}</Td>
              <Td>
                {a.lastRun ? (
                  <span className="flex items-center gap-2">
                    <StatusBadge status={a.lastRun.status} />
                    <TimeAgo date={a.lastRun.createdAt} className="text-xs text-muted-foreground" />
                  </span>
                ) : (
                  <span className="text-muted-foreground">Never</span>
                )}
              </Td>
              <Td className="text-right whitespace-nowrap">
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => void duplicate(a.id).then(report)}
                  aria-label={`Duplicate ${a.name}`}
                >
                  Duplicate
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => setDeleting(a)}
                  aria-label={`Delete ${a.name}`}
                >
                  Delete
                </Button>
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete automation?"
        message={`“${deleting?.name}” and its run history will be deleted.`}
        confirmLabel="Delete"
        danger
        onConfirm={async () => {
          if (!deleting) return;
          const result = await remove(deleting.id);
          if (!result.ok) throw new Error(result.error);
          await report(result);
          setDeleting(null);
        }}
      />
    </>
  );
}

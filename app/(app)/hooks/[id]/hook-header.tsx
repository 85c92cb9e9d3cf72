'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { RefreshIcon, TrashIcon } from '@/components/ui/icons';
import { Input } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Switch } from '@/components/ui/switch';
import type { ApiHook } from '@/lib/hooks/hooks';
import { deleteHookAction, regenerateHookTokenAction, updateHookAction } from '../actions';

export function HookHeader({ hook }: { hook: ApiHook }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [enabled, setEnabled] = useState(hook.enabled);
  const [confirm, setConfirm] = useState<'delete' | 'regenerate' | null>(null);

  async function rename(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name') ?? '');
    setSaving(true);
    const result = await updateHookAction(hook.id, { name });
    setSaving(false);
    if (!result.ok) {
      setNameError(result.fields?.name ?? result.error);
      return;
    }
    setNameError(undefined);
    setEditing(false);
    toast.success('Hook renamed');
  }

  async function toggle(next: boolean) {
    setEnabled(next);
    const result = await updateHookAction(hook.id, { enabled: next });
    if (result.ok) toast.success(next ? 'Hook enabled' : 'Hook disabled: its URL now answers 404');
    else {
      setEnabled(!next);
      toast.error(result.error);
    }
  }

  const title = editing ? (
    <form onSubmit={(e) => void rename(e)} className="flex flex-wrap items-start gap-2">
      <div className="flex flex-col gap-1">
        <Input
          name="name"
          aria-label="Hook name"
          defaultValue={hook.name}
          maxLength={100}
          autoFocus
          aria-invalid={nameError ? true : undefined}
          onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
          className="h-8 min-w-64 text-base font-semibold"
        />
        {nameError && <span className="text-xs font-medium text-danger-text">{nameError}</span>}
      </div>
      <Button type="submit" size="sm" loading={saving}>
        Save name
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setEditing(false)}>
        Cancel
      </Button>
    </form>
  ) : (
    <span className="flex flex-wrap items-center gap-2">
      {hook.name}
      <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
        Rename
      </Button>
    </span>
  );

  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: 'Hooks', href: '/hooks' }]}
        title={title}
        description="Paste the URL below into the tool that sends webhooks; every request it makes shows up here."
        actions={
          <>
            <Switch
              label="Enabled"
              checked={enabled}
              onCheckedChange={(v) => void toggle(v)}
              className="mr-2"
            />
            <Button variant="secondary" onClick={() => setConfirm('regenerate')}>
              <RefreshIcon className="size-4" />
              Regenerate URL
            </Button>
            <Button variant="secondary" onClick={() => setConfirm('delete')}>
              <TrashIcon className="size-4" />
              Delete
            </Button>
          </>
        }
      />
      <ConfirmDialog
        open={confirm === 'regenerate'}
        onOpenChange={(open) => !open && setConfirm(null)}
        title="Regenerate the URL?"
        message="The hook gets a new URL and the current one stops working at once (it will answer 404). Update the URL in every tool that calls this hook."
        confirmLabel="Regenerate URL"
        danger
        onConfirm={async () => {
          const result = await regenerateHookTokenAction(hook.id);
          if (!result.ok) throw new Error(result.error);
          toast.success(result.message);
        }}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        onOpenChange={(open) => !open && setConfirm(null)}
        title={`Delete “${hook.name}”?`}
        message="Its URL stops working and its recorded events are deleted. Automations triggered by it stop receiving events."
        confirmLabel="Delete hook"
        danger
        onConfirm={async () => {
          // On success the action redirects to /hooks.
          const result = await deleteHookAction(hook.id);
          if (!result.ok) throw new Error(result.error);
          router.push('/hooks');
        }}
      />
    </>
  );
}

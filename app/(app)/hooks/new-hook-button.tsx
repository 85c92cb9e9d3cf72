'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { createHookAction } from './actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { PlusIcon } from '@/components/ui/icons';
import { Field, Input } from '@/components/ui/input';

export function NewHookButton() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    const result = await createHookAction({ name: String(new FormData(e.currentTarget).get('name') ?? '') });
    if (!result.ok) {
      setPending(false);
      setError(result.fields?.name ?? result.error);
      return;
    }
    toast.success(result.message);
    router.push(`/hooks/${result.data!.id}`);
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <PlusIcon className="size-4" />
        New hook
      </Button>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          if (pending) return;
          setOpen(next);
          setError(undefined);
        }}
        title="New hook"
        description="Name it after the tool that will call it. You can set up signature verification and limits next."
      >
        <form onSubmit={(e) => void onSubmit(e)} className="space-y-4">
          <Field id="new-hook-name" label="Name" error={error}>
            <Input
              name="name"
              placeholder="Stripe payments"
              autoComplete="off"
              data-autofocus
              maxLength={100}
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" disabled={pending} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Create hook
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

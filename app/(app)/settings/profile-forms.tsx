'use client';

import { signOut } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import type { ActionResult } from '@/lib/api/action';
import { changePasswordAction, updateProfileAction } from './actions';

function useFormAction(action: (input: Record<string, string>) => Promise<ActionResult<unknown>>) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setPending(true);
    const result = await action(Object.fromEntries(new FormData(form)) as Record<string, string>);
    setPending(false);
    setFields(result.ok ? {} : (result.fields ?? {}));
    if (result.ok) toast.success(result.message ?? 'Saved');
    else toast.error(result.error);
    return result;
  }
  return { fields, pending, submit };
}

export function ProfileForm({ user }: { user: { name: string; email: string; timezone: string } }) {
  const { fields, pending, submit } = useFormAction(updateProfileAction);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={(e) => void submit(e)} className="space-y-4">
          <Field id="profile-name" label="Name" error={fields.name}>
            <Input id="profile-name" name="name" defaultValue={user.name} autoComplete="name" />
          </Field>
          <Field id="profile-email" label="Email" error={fields.email}>
            <Input
              id="profile-email"
              name="email"
              type="email"
              defaultValue={user.email}
              autoComplete="email"
            />
          </Field>
          <Field
            id="profile-tz"
            label="Time zone"
            hint="Used to show times and schedules, e.g. Europe/Berlin."
            error={fields.timezone}
          >
            <Input id="profile-tz" name="timezone" defaultValue={user.timezone} />
          </Field>
          <Button type="submit" disabled={pending}>
            {pending ? 'Saving…' : 'Save profile'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

export function PasswordForm() {
  const { fields, pending, submit } = useFormAction(changePasswordAction);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Change password</CardTitle>
      </CardHeader>
      <CardContent>
        <form
          onSubmit={async (e) => {
            const result = await submit(e);
            if (result.ok) await signOut({ callbackUrl: '/signin' });
          }}
          className="space-y-4"
        >
          <Field id="pw-current" label="Current password" error={fields.current}>
            <Input id="pw-current" name="current" type="password" autoComplete="current-password" />
          </Field>
          <Field id="pw-new" label="New password" hint="At least 8 characters." error={fields.password}>
            <Input id="pw-new" name="password" type="password" autoComplete="new-password" />
          </Field>
          <Field id="pw-confirm" label="Confirm new password" error={fields.confirm}>
            <Input id="pw-confirm" name="confirm" type="password" autoComplete="new-password" />
          </Field>
          <Button type="submit" disabled={pending}>
            {pending ? 'Changing…' : 'Change password'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { setupAction } from './actions';

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setPending(true);
    setError(null);
    const result = await setupAction(form);
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      setFields(result.fields ?? {});
      return;
    }
    const res = await signIn('credentials', { email: form.email, password: form.password, redirect: false });
    if (res?.error) {
      router.replace('/signin');
      return;
    }
    router.replace('/');
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Create the admin account</CardTitle>
        <p className="text-sm text-muted-foreground">
          This is a new Hookline. The first account administers it and can add other users later.
        </p>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {error && (
            <p
              role="alert"
              className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger"
            >
              {error}
            </p>
          )}
          <Field id="name" label="Name" error={fields.name}>
            <Input id="name" name="name" autoComplete="name" />
          </Field>
          <Field id="email" label="Email" error={fields.email}>
            <Input id="email" name="email" type="email" autoComplete="email" required />
          </Field>
          <Field id="password" label="Password" hint="At least 8 characters." error={fields.password}>
            <Input id="password" name="password" type="password" autoComplete="new-password" required />
          </Field>
          <Field id="confirm" label="Confirm password" error={fields.confirm}>
            <Input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
          </Field>
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? 'Creating…' : 'Create admin and sign in'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import { createUserAction, resetPasswordAction, setUserDisabledAction } from '../actions';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  disabled: boolean;
  createdAt: number;
}

export function UsersClient({ users, currentUserId }: { users: UserRow[]; currentUserId: string }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setPending(true);
    const result = await createUserAction(Object.fromEntries(new FormData(form)));
    setPending(false);
    if (!result.ok) {
      setFields(result.fields ?? {});
      toast.error(result.error);
      return;
    }
    setFields({});
    form.reset();
    toast.success(result.message);
  }

  async function onReset(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!resetting) return;
    const result = await resetPasswordAction(
      resetting.id,
      String(new FormData(e.currentTarget).get('password') ?? ''),
    );
    if (result.ok) {
      toast.success(`Password reset for ${resetting.email}`);
      setResetting(null);
    } else toast.error(result.error);
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Add a user</CardTitle>
          <p className="text-sm text-muted-foreground">
            Members see only their own hooks, automations, runs and secrets. Administrators also manage users.
          </p>
        </CardHeader>
        <CardContent>
          <form onSubmit={(e) => void onCreate(e)} className="grid gap-3 md:grid-cols-4 md:items-end">
            <Field id="new-email" label="Email" error={fields.email}>
              <Input id="new-email" name="email" type="email" autoComplete="off" />
            </Field>
            <Field id="new-password" label="Initial password" error={fields.password}>
              <Input id="new-password" name="password" type="password" autoComplete="new-password" />
            </Field>
            <Field id="new-role" label="Role" error={fields.role}>
              <Select id="new-role" name="role" defaultValue="member">
                <option value="member">Member</option>
                <option value="admin">Administrator</option>
              </Select>
            </Field>
            <Button type="submit" disabled={pending}>
              {pending ? 'Adding…' : 'Add user'}
            </Button>
          </form>
        </CardContent>
      </Card>

      <Table>
        <THead>
          <Tr>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Created</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </Tr>
        </THead>
        <TBody>
          {users.map((u) => (
            <Tr key={u.id}>
              <Td>
                <div className="font-medium">{u.email}</div>
                {u.name && <div className="text-xs text-muted-foreground">{u.name}</div>}
              </Td>
              <Td>
                {u.role === 'admin' ? (
                  <Badge tone="accent">Admin</Badge>
                ) : (
                  <Badge tone="neutral">Member</Badge>
                )}
              </Td>
              <Td>
                {u.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}
              </Td>
              <Td>
                <TimeAgo date={u.createdAt} />
              </Td>
              <Td className="space-x-1 text-right">
                <Button variant="ghost" size="sm" onClick={() => setResetting(u)}>
                  Reset password
                </Button>
                {u.id !== currentUserId && (
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={async () => {
                      const r = await setUserDisabledAction(u.id, !u.disabled);
                      if (r.ok) toast.success(r.message);
                      else toast.error(r.error);
                    }}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>

      <Dialog
        open={!!resetting}
        onOpenChange={(open) => !open && setResetting(null)}
        title={`Reset password for ${resetting?.email ?? ''}`}
        description="Their current sessions end; tell them the new password."
      >
        <form onSubmit={(e) => void onReset(e)} className="space-y-4">
          <Field id="reset-password" label="New password">
            <Input id="reset-password" name="password" type="password" autoComplete="new-password" />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setResetting(null)}>
              Cancel
            </Button>
            <Button type="submit">Reset password</Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

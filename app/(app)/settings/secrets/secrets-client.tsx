'use client';

import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { SecretInfo } from '@/lib/secrets/secrets';
import { createSecretAction, deleteSecretAction, replaceSecretAction } from './actions';

export function SecretsClient({ secrets }: { secrets: SecretInfo[] }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const [replacing, setReplacing] = useState<SecretInfo | null>(null);
  const [replaceValue, setReplaceValue] = useState('');
  const [replaceError, setReplaceError] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<SecretInfo | null>(null);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setPending(true);
    const result = await createSecretAction({
      name: String(data.get('name') ?? ''),
      value: String(data.get('value') ?? ''),
    });
    setPending(false);
    if (!result.ok) {
      setErrors(result.fields ?? { name: result.error });
      return;
    }
    setErrors({});
    toast.success(result.message);
    form.reset();
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>New secret</CardTitle>
          <p className="text-sm text-muted-foreground">
            Use secrets in expressions and templates as <code className="font-mono">$secrets.NAME</code>, e.g.
            a header <code className="font-mono">{'Authorization: Bearer {{ $secrets.API_TOKEN }}'}</code>.
            Values are encrypted at rest, never shown again, and masked as •••• in previews and run history.
          </p>
        </CardHeader>
        <CardContent>
          <form
            onSubmit={(e) => void onCreate(e)}
            className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]"
          >
            <Field
              id="secret-name"
              label="Secret name"
              hint="Capital letters, digits and _"
              error={errors.name}
            >
              <Input name="name" placeholder="API_TOKEN" autoComplete="off" className="font-mono" />
            </Field>
            <Field id="secret-value" label="Secret value" error={errors.value}>
              <Input name="value" type="password" autoComplete="new-password" />
            </Field>
            <Button type="submit" loading={pending} className="sm:mt-6">
              Create secret
            </Button>
          </form>
        </CardContent>
      </Card>

      {secrets.length === 0 ? (
        <EmptyState
          title="No secrets"
          description="Create a secret for API keys and tokens your actions send."
        />
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Name</Th>
              <Th>Updated</Th>
              <Th>Last used</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </Tr>
          </THead>
          <TBody>
            {secrets.map((s) => (
              <Tr key={s.id}>
                <Td className="font-mono text-xs font-medium">{s.name}</Td>
                <Td>
                  <TimeAgo date={s.updatedAt} />
                </Td>
                <Td>{s.lastUsedAt ? <TimeAgo date={s.lastUsedAt} /> : 'Never'}</Td>
                <Td className="text-right whitespace-nowrap">
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Replace value of ${s.name}`}
                    onClick={() => {
                      setReplaceValue('');
                      setReplaceError(undefined);
                      setReplacing(s);
                    }}
                  >
                    Replace value
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Delete ${s.name}`}
                    onClick={() => setDeleting(s)}
                  >
                    Delete
                  </Button>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}

      <Dialog
        open={!!replacing}
        onOpenChange={(open) => !open && setReplacing(null)}
        title={`Replace ${replacing?.name ?? ''}`}
        description="Automations use the new value from their next run."
        footer={
          <>
            <Button variant="secondary" onClick={() => setReplacing(null)}>
              Cancel
            </Button>
            <Button
              onClick={async () => {
                if (!replacing) return;
                const result = await replaceSecretAction(replacing.id, replaceValue);
                if (!result.ok) {
                  setReplaceError(result.fields?.value ?? result.error);
                  return;
                }
                toast.success(result.message);
                setReplacing(null);
              }}
            >
              Replace
            </Button>
          </>
        }
      >
        <Field id="secret-new-value" label="New value" error={replaceError}>
          <Input
            type="password"
            autoComplete="new-password"
            data-autofocus
            value={replaceValue}
            onChange={(e) => setReplaceValue(e.target.value)}
          />
        </Field>
      </Dialog>

      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'secret'}?`}
        message="Automations that use it will fail until it is created again."
        confirmLabel="Delete"
        danger
        onConfirm={async () => {
          if (!deleting) return;
          const result = await deleteSecretAction(deleting.id);
          if (!result.ok) throw new Error(result.error);
          toast.success(result.message);
        }}
      />
    </div>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { ApiTokenInfo } from '@/lib/users/api-tokens';
import { createTokenAction, revokeTokenAction } from '../actions';

export function TokensClient({ tokens }: { tokens: ApiTokenInfo[] }) {
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenInfo | null>(null);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setPending(true);
    const result = await createTokenAction(String(new FormData(form).get('name') ?? ''));
    setPending(false);
    if (!result.ok) {
      setError(result.fields?.name ?? result.error);
      return;
    }
    setError(undefined);
    setCreated(result.data ?? null);
    form.reset();
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>New API token</CardTitle>
          <p className="text-sm text-muted-foreground">
            Tokens authenticate requests to <code className="font-mono">/api/v1</code> as{' '}
            <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </CardHeader>
        <CardContent>
          <form onSubmit={(e) => void onCreate(e)} className="flex flex-wrap items-end gap-3">
            <div className="min-w-64 flex-1">
              <Field id="token-name" label="Token name" error={error}>
                <Input id="token-name" name="name" placeholder="CI deploy script" />
              </Field>
            </div>
            <Button type="submit" disabled={pending}>
              {pending ? 'Creating…' : 'Create token'}
            </Button>
          </form>
          {created && (
            <div className="mt-4 space-y-2" role="status">
              <p className="text-sm font-medium">Copy your new token now. It will not be shown again.</p>
              <CodeBlock code={created} copyLabel="Copy token" />
            </div>
          )}
        </CardContent>
      </Card>

      {tokens.length === 0 ? (
        <EmptyState
          title="No API tokens"
          description="Create a token to use the REST API or the CLI from scripts."
        />
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </Tr>
          </THead>
          <TBody>
            {tokens.map((t) => (
              <Tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td>
                  <TimeAgo date={t.createdAt} />
                </Td>
                <Td>{t.lastUsedAt ? <TimeAgo date={t.lastUsedAt} /> : 'Never'}</Td>
                <Td className="text-right">
                  {t.revokedAt ? (
                    <Badge tone="neutral">Revoked</Badge>
                  ) : (
                    <Button variant="ghost" size="sm" onClick={() => setRevoking(t)}>
                      Revoke
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <ConfirmDialog
        open={!!revoking}
        onOpenChange={(open) => !open && setRevoking(null)}
        title="Revoke token?"
        message={`Scripts using “${revoking?.name}” will get 401 from now on.`}
        confirmLabel="Revoke"
        danger
        onConfirm={async () => {
          if (!revoking) return;
          const result = await revokeTokenAction(revoking.id);
          if (result.ok) toast.success(result.message);
          else toast.error(result.error);
          setRevoking(null);
        }}
      />
    </div>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useState, type ChangeEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input, Select } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import type { ConflictChoice } from '@/lib/transfer/schema';
import type { ImportPreview } from '@/lib/transfer/transfer';
import { importAction, previewImportAction } from './actions';

interface AutomationOption {
  id: string;
  name: string;
  trigger: string;
}

export function TransferClient({ automations }: { automations: AutomationOption[] }) {
  return (
    <div className="space-y-6">
      <ExportCard automations={automations} />
      <ImportCard />
    </div>
  );
}

function ExportCard({ automations }: { automations: AutomationOption[] }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const all = automations.length > 0 && selected.size === automations.length;
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Export</CardTitle>
        <CardDescription>
          The file holds the selected automations and the hooks they use. Verification and signing secrets are
          left out (set them again after importing); <code className="font-mono">$secrets.NAME</code>{' '}
          references are kept by name.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {automations.length === 0 ? (
          <EmptyState title="No automations to export" description="Create an automation first." />
        ) : (
          // A plain GET form: the browser downloads the file the route answers with.
          <form method="get" action="/automations/transfer/export" className="space-y-4">
            <Table>
              <THead>
                <Tr>
                  <Th className="w-10">
                    <input
                      type="checkbox"
                      aria-label="Select all automations"
                      checked={all}
                      onChange={() => setSelected(all ? new Set() : new Set(automations.map((a) => a.id)))}
                    />
                  </Th>
                  <Th>Automation</Th>
                  <Th>Trigger</Th>
                </Tr>
              </THead>
              <TBody>
                {automations.map((a) => (
                  <Tr key={a.id}>
                    <Td>
                      <input
                        type="checkbox"
                        name="id"
                        value={a.id}
                        id={`export-${a.id}`}
                        checked={selected.has(a.id)}
                        onChange={() => toggle(a.id)}
                      />
                    </Td>
                    <Td>
                      <label htmlFor={`export-${a.id}`} className="font-medium">
                        {a.name}
                      </label>
                    </Td>
                    <Td className="text-muted-foreground">{a.trigger}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
            <Button type="submit" disabled={selected.size === 0}>
              Export {selected.size > 0 ? `${selected.size} selected` : 'selected'}
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}

function ImportCard() {
  const router = useRouter();
  const [text, setText] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [resolutions, setResolutions] = useState<Record<string, ConflictChoice>>({});
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);

  async function refresh(fileText: string, next: Record<string, ConflictChoice>) {
    setPending(true);
    const result = await previewImportAction(fileText, { onConflict: 'skip', resolutions: next });
    setPending(false);
    if (!result.ok) {
      setPreview(null);
      setError(result.error);
      return;
    }
    setError(undefined);
    setPreview(result.data ?? null);
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.currentTarget.files?.[0];
    setPreview(null);
    setResolutions({});
    if (!file) return setText(null);
    const content = await file.text();
    setText(content);
    await refresh(content, {});
  }

  function choose(key: string, choice: ConflictChoice) {
    const next = { ...resolutions, [key]: choice };
    setResolutions(next);
    if (text) void refresh(text, next);
  }

  async function onImport() {
    if (!text) return;
    setPending(true);
    const result = await importAction(text, { onConflict: 'skip', resolutions });
    setPending(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    toast.success(
      `Imported ${result.data?.automations ?? 0} automation(s) and ${result.data?.hooks ?? 0} hook(s)`,
    );
    router.push('/automations');
  }

  const toImport = preview?.automations.filter((a) => a.importAs !== null).length ?? 0;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Import</CardTitle>
        <CardDescription>
          Choose an export file to see what it holds. Nothing is overwritten: an automation or hook whose name
          is taken is skipped or imported under a new name, as you choose.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <Field id="import-file" label="Export file" error={error}>
          <Input type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} />
        </Field>
        {preview && (
          <div className="space-y-4">
            {preview.hooks.length > 0 && (
              <Table aria-label="Hooks in the file">
                <THead>
                  <Tr>
                    <Th>Hook</Th>
                    <Th>On import</Th>
                  </Tr>
                </THead>
                <TBody>
                  {preview.hooks.map((h) => (
                    <Tr key={h.key}>
                      <Td className="font-medium">{h.name}</Td>
                      <Td className="space-y-1">
                        {h.conflict ? (
                          <Select
                            aria-label={`When the hook name ${h.name} is taken`}
                            value={h.choice ?? 'skip'}
                            onChange={(e) => choose(`hook:${h.key}`, e.target.value as ConflictChoice)}
                          >
                            <option value="skip">Use my existing hook “{h.name}”</option>
                            <option value="rename">Create a new hook “{h.name} (2)”</option>
                          </Select>
                        ) : (
                          <Badge tone="success">New hook</Badge>
                        )}
                        {h.secretRequired && (!h.conflict || h.choice === 'rename') && (
                          <p className="text-xs text-warning">
                            Set its verification secret after importing: it rejects requests until then.
                          </p>
                        )}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
            <Table aria-label="Automations in the file">
              <THead>
                <Tr>
                  <Th>Automation</Th>
                  <Th>On import</Th>
                  <Th>Notes</Th>
                </Tr>
              </THead>
              <TBody>
                {preview.automations.map((a) => (
                  <Tr key={a.index}>
                    <Td className="font-medium">{a.name}</Td>
                    <Td>
                      {a.conflict ? (
                        <Select
                          aria-label={`When the name ${a.name} is taken`}
                          value={a.choice ?? 'skip'}
                          onChange={(e) => choose(`automation:${a.index}`, e.target.value as ConflictChoice)}
                        >
                          <option value="skip">Skip (name taken)</option>
                          <option value="rename">Import as “{a.importAs ?? `${a.name} (2)`}”</option>
                        </Select>
                      ) : (
                        <Badge tone="success">New</Badge>
                      )}
                    </Td>
                    <Td className="space-y-1 text-xs">
                      {a.error && a.importAs !== null && <p className="text-danger">{a.error}</p>}
                      {a.missingSecrets.length > 0 && (
                        <p className="text-warning">
                          Needs secret{a.missingSecrets.length > 1 ? 's' : ''}{' '}
                          {a.missingSecrets.map((n) => `$secrets.${n}`).join(', ')} (create in Settings →
                          Secrets)
                        </p>
                      )}
                      {a.signingSecretsOmitted > 0 && (
                        <p className="text-muted-foreground">
                          {a.signingSecretsOmitted} signed action(s): enter the signing secret again.
                        </p>
                      )}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
            <Button
              onClick={() => void onImport()}
              loading={pending}
              disabled={!preview.ok || toImport === 0}
            >
              Import {toImport} automation{toImport === 1 ? '' : 's'}
            </Button>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

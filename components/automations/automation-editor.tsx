'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { toast } from 'sonner';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { PlusIcon } from '@/components/ui/icons';
import { Switch } from '@/components/ui/switch';
import { CodeEditor } from '@/components/editor/code-editor';
import { ActionCard } from './action-card';
import { blankAction, draftToInput, type Draft, type DraftAction, type DraftTrigger } from './draft';
import { PreviewPanel, type TemplateSampleProp } from './preview-panel';
import { TriggerSection, type HookOption } from './trigger-section';

export type SaveResult =
  | { ok: true; data?: { id: string; version: number }; message?: string }
  | { ok: false; error: string; fields?: Record<string, string> };

export function AutomationEditor({
  automationId,
  version,
  initial,
  hooks,
  userTimezone,
  templateSample,
  save,
}: {
  automationId: string | null;
  version: number | null;
  initial: Draft;
  hooks: HookOption[];
  userTimezone: string;
  templateSample: TemplateSampleProp | null;
  save: (id: string | null, input: unknown) => Promise<SaveResult>;
}) {
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(initial);
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(draftToInput(initial)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const previewDraft = useMemo(() => draftToInput(draft, false), [draft]);
  const dirty = JSON.stringify(draftToInput(draft)) !== savedJson;
  const hookId =
    (draft.trigger.type === 'webhook' || draft.trigger.type === 'silence') && draft.trigger.hookId
      ? draft.trigger.hookId
      : null;

  const setTrigger = (patch: Partial<DraftTrigger>) =>
    setDraft((d) => ({ ...d, trigger: { ...d.trigger, ...patch } }));
  const setAction = (i: number, patch: Partial<DraftAction>) =>
    setDraft((d) => ({ ...d, actions: d.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));
  const moveAction = (i: number, delta: -1 | 1) =>
    setDraft((d) => {
      const actions = [...d.actions];
      const [a] = actions.splice(i, 1);
      actions.splice(i + delta, 0, a);
      return { ...d, actions };
    });

  async function onSave() {
    setSaving(true);
    setFormError(null);
    const input = draftToInput(draft);
    const result = await save(automationId, input);
    setSaving(false);
    if (!result.ok) {
      setErrors(result.fields ?? {});
      setFormError(result.error);
      return;
    }
    setErrors({});
    toast.success(result.message ?? 'Saved');
    // The new secret has been shown once; from now on it is only "set".
    const saved: Draft = {
      ...draft,
      actions: draft.actions.map((a) => ({
        ...a,
        hasStoredSecret: a.signing === 'set' ? true : a.signing === 'clear' ? false : a.hasStoredSecret,
        signing: 'keep',
        newSecret: '',
      })),
    };
    setDraft(saved);
    setSavedJson(JSON.stringify(draftToInput(saved)));
    if (!automationId && result.data) router.replace(`/automations/${result.data.id}`);
    else router.refresh();
  }

  const errorList = Object.entries(errors);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3 text-sm text-muted-foreground">
          {version !== null && <span>Version {version}</span>}
          {dirty && <span>Unsaved changes</span>}
        </div>
        <div className="flex gap-2">
          <Link href="/automations" className={buttonClasses('secondary')}>
            Cancel
          </Link>
          <Button loading={saving} onClick={() => void onSave()}>
            {automationId ? 'Save' : 'Create automation'}
          </Button>
        </div>
      </div>
      {formError && (
        <div
          role="alert"
          className="rounded-md border border-danger/40 bg-danger-soft p-3 text-sm text-danger-text"
        >
          <p className="font-medium">{formError}</p>
          {errorList.length > 1 && (
            <ul className="mt-1 list-inside list-disc">
              {errorList.map(([field, message]) => (
                <li key={field}>
                  <span className="font-mono">{field}</span>: {message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="flex min-w-0 flex-col gap-6">
          <Card>
            <CardContent className="flex flex-col gap-4">
              <Field id="automation-name" label="Name" error={errors.name}>
                <Input
                  value={draft.name}
                  onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
                />
              </Field>
              <Switch
                label="Enabled"
                description="A disabled automation starts no runs."
                checked={draft.enabled}
                onCheckedChange={(enabled) => setDraft((d) => ({ ...d, enabled }))}
              />
            </CardContent>
          </Card>
          <TriggerSection
            trigger={draft.trigger}
            automationId={automationId}
            hooks={hooks}
            userTimezone={userTimezone}
            errors={errors}
            onChange={setTrigger}
          />
          <Card>
            <CardHeader>
              <CardTitle>Filter</CardTitle>
            </CardHeader>
            <CardContent className="flex flex-col gap-1.5">
              <CodeEditor
                label="Filter"
                value={draft.filter}
                externalError={errors.filter}
                placeholder='e.g. type = "payment_intent.succeeded" (empty: every event)'
                onChange={(filter) => setDraft((d) => ({ ...d, filter }))}
              />
              <p className="text-xs text-muted-foreground">
                JSONata. <code className="font-mono">$</code> is the body;{' '}
                <code className="font-mono">$event</code>, <code className="font-mono">$secrets</code> and{' '}
                <code className="font-mono">$steps</code> are bound. The automation runs when the result is
                truthy.
              </p>
            </CardContent>
          </Card>
          <section aria-label="Actions" className="flex flex-col gap-4">
            <h2 className="text-sm font-semibold">Actions</h2>
            {errors.actions && <p className="text-xs text-danger-text">{errors.actions}</p>}
            {draft.actions.map((a, i) => (
              <ActionCard
                key={a.uid}
                action={a}
                index={i}
                count={draft.actions.length}
                errors={errors}
                onChange={(patch) => setAction(i, patch)}
                onRemove={() => setDraft((d) => ({ ...d, actions: d.actions.filter((_, j) => j !== i) }))}
                onMove={(delta) => moveAction(i, delta)}
              />
            ))}
            <div>
              <Button
                variant="secondary"
                onClick={() =>
                  setDraft((d) => ({ ...d, actions: [...d.actions, blankAction(d.actions.length)] }))
                }
              >
                <PlusIcon /> Add action
              </Button>
            </div>
          </section>
        </div>
        <div className="min-w-0">
          <div className="xl:sticky xl:top-4">
            <PreviewPanel
              draft={previewDraft}
              hookId={hookId}
              templateSample={templateSample}
              automationId={automationId}
              dirty={dirty}
            />
          </div>
        </div>
      </div>
    </div>
  );
}

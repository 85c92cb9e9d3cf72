'use client';

import { Button } from '@/components/ui/button';
import { PlusIcon, TrashIcon } from '@/components/ui/icons';
import { Input } from '@/components/ui/input';
import { CodeEditor } from '@/components/editor/code-editor';
import type { HeaderRow } from './draft';

export function HeaderList({
  label,
  rows,
  onChange,
  errors,
}: {
  /** e.g. "Action 1 header" — each row's controls are named "<label> name 2" / "<label> value 2". */
  label: string;
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  errors?: Record<string, string>;
}) {
  const update = (i: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="flex flex-col gap-2">
      {rows.map((row, i) => (
        <div key={i} className="grid grid-cols-[minmax(8rem,12rem)_1fr_auto] items-start gap-2">
          <Input
            aria-label={`${label} name ${i + 1}`}
            placeholder="Header-Name"
            value={row.key}
            onChange={(e) => update(i, { key: e.target.value })}
          />
          <CodeEditor
            label={`${label} value ${i + 1}`}
            kind="template"
            singleLine
            value={row.value}
            placeholder="value or {{ expression }}"
            externalError={errors?.[row.key.trim()]}
            onChange={(value) => update(i, { value })}
          />
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Remove ${label.toLowerCase()} ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            <TrashIcon />
          </Button>
        </div>
      ))}
      <div>
        <Button variant="secondary" size="sm" onClick={() => onChange([...rows, { key: '', value: '' }])}>
          <PlusIcon /> Add header
        </Button>
      </div>
    </div>
  );
}

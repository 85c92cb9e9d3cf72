'use client';

import { useState } from 'react';
import { Button } from './button';
import { cn } from './cn';
import { ChevronRightIcon } from './icons';

type Mode = 'default' | 'all' | 'none';

type TreeState = {
  mode: Mode;
  defaultDepth: number;
  // Nodes the user toggled since the last Expand all / Collapse all, by path.
  overrides: ReadonlyMap<string, boolean>;
  toggle: (path: string, expanded: boolean) => void;
};

function isExpanded(state: TreeState, path: string, depth: number): boolean {
  const override = state.overrides.get(path);
  if (override !== undefined) return override;
  if (state.mode === 'all') return true;
  if (state.mode === 'none') return false;
  return depth < state.defaultDepth;
}

function childPath(path: string, key: string | number): string {
  // JSON-encoding each key keeps "a.b" and ["a","b"] apart.
  return `${path}/${JSON.stringify(key)}`;
}

function Primitive({ value }: { value: unknown }) {
  if (value === null) return <span className="text-muted-foreground italic">null</span>;
  switch (typeof value) {
    case 'string':
      // JSON.stringify adds the quotes and shows control characters as escapes; React renders it as text.
      return <span className="wrap-anywhere text-success-text">{JSON.stringify(value)}</span>;
    case 'number':
    case 'bigint':
      return <span className="text-info-text">{String(value)}</span>;
    case 'boolean':
      return <span className="text-accent-text">{String(value)}</span>;
    case 'undefined':
      return <span className="text-muted-foreground italic">undefined</span>;
    default:
      return <span className="text-muted-foreground">{String(value)}</span>;
  }
}

function KeyLabel({ name }: { name: string | number | undefined }) {
  if (name === undefined) return null;
  return (
    <>
      {typeof name === 'number' ? (
        <span className="text-muted-foreground">{name}</span>
      ) : (
        <span className="text-foreground">{JSON.stringify(name)}</span>
      )}
      <span className="text-muted-foreground">: </span>
    </>
  );
}

type NodeProps = {
  name?: string | number;
  value: unknown;
  path: string;
  depth: number;
  state: TreeState;
  trailingComma: boolean;
};

function Node({ name, value, path, depth, state, trailingComma }: NodeProps) {
  const comma = trailingComma ? <span className="text-muted-foreground">,</span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <li className="pl-5">
        <KeyLabel name={name} />
        <Primitive value={value} />
        {comma}
      </li>
    );
  }

  const isArray = Array.isArray(value);
  const entries: Array<[string | number, unknown]> = isArray
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  const count = entries.length;
  const summary = isArray
    ? `${count} ${count === 1 ? 'item' : 'items'}`
    : `${count} ${count === 1 ? 'key' : 'keys'}`;

  if (count === 0) {
    return (
      <li className="pl-5">
        <KeyLabel name={name} />
        <span className="text-muted-foreground">
          {open}
          {close}
        </span>
        {comma}
      </li>
    );
  }

  const expanded = isExpanded(state, path, depth);
  return (
    <li>
      <button
        type="button"
        aria-expanded={expanded}
        onClick={() => state.toggle(path, !expanded)}
        className="inline-flex max-w-full items-start rounded-sm text-left hover:bg-muted"
      >
        <ChevronRightIcon
          className={cn(
            'mt-0.5 mr-1 size-4 text-muted-foreground transition-transform',
            expanded && 'rotate-90',
          )}
        />
        <span>
          <KeyLabel name={name} />
          <span className="text-muted-foreground">{open}</span>
          {!expanded && (
            <>
              <span className="mx-1 rounded bg-muted px-1 text-muted-foreground">{summary}</span>
              <span className="text-muted-foreground">{close}</span>
              {comma}
            </>
          )}
        </span>
      </button>
      {expanded && (
        <>
          <ul className="ml-2 border-l border-border pl-2">
            {entries.map(([key, child], index) => (
              <Node
                key={key}
                name={key}
                value={child}
                path={childPath(path, key)}
                depth={depth + 1}
                state={state}
                trailingComma={index < count - 1}
              />
            ))}
          </ul>
          <div className="pl-5">
            <span className="text-muted-foreground">{close}</span>
            {comma}
          </div>
        </>
      )}
    </li>
  );
}

export type JsonTreeProps = {
  /** Parsed JSON (or any plain value). Every value is rendered as text, never as markup. */
  data: unknown;
  /** Levels open at first: 2 opens the root and its direct children. */
  defaultExpandDepth?: number;
  /** Accessible name for the tree region, e.g. "Request body". */
  label?: string;
  className?: string;
};

export function JsonTree({ data, defaultExpandDepth = 2, label = 'JSON', className }: JsonTreeProps) {
  const [mode, setMode] = useState<Mode>('default');
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());
  const state: TreeState = {
    mode,
    defaultDepth: defaultExpandDepth,
    overrides,
    toggle: (path, expanded) => setOverrides((prev) => new Map(prev).set(path, expanded)),
  };
  const setAll = (next: Mode) => {
    setMode(next);
    setOverrides(new Map());
  };
  const isContainer = data !== null && typeof data === 'object';

  return (
    <section
      aria-label={label}
      className={cn('rounded-md border border-border bg-muted/40 font-mono text-xs leading-5', className)}
    >
      {isContainer && (
        <div className="flex justify-end gap-1 border-b border-border px-2 py-1 font-sans">
          <Button variant="ghost" size="sm" onClick={() => setAll('all')}>
            Expand all
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setAll('none')}>
            Collapse all
          </Button>
        </div>
      )}
      <ul className="overflow-x-auto p-3">
        <Node value={data} path="" depth={0} state={state} trailingComma={false} />
      </ul>
    </section>
  );
}

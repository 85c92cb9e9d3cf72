'use client';

import { closeBrackets } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { jsonataLanguage, jsonataTemplateLanguage } from './jsonata-language';

export type EditorKind = 'expression' | 'template';

export interface ExpressionProblem {
  message: string;
  /** jsonata's position: just after the offending token. */
  position?: number;
  from?: number;
  to?: number;
}

export type CodeEditorProps = {
  /** Accessible name of the editable area (tests and screen readers find the editor by it). */
  label: string;
  value: string;
  onChange: (value: string) => void;
  kind?: EditorKind;
  placeholder?: string;
  /** One line (URL and header templates) or a multi-line block. */
  singleLine?: boolean;
  /** Error from saving, shown until the text changes. */
  externalError?: string;
  className?: string;
};

const CHECK_DELAY_MS = 300;

const theme = EditorView.theme({
  '&': {
    fontSize: '12px',
    backgroundColor: 'var(--color-background)',
    color: 'var(--color-foreground)',
    borderRadius: '0.375rem',
    border: '1px solid var(--color-input)',
  },
  '&.cm-focused': { outline: '2px solid var(--color-accent)', outlineOffset: '-1px' },
  '.cm-content': { fontFamily: 'var(--font-mono, ui-monospace, monospace)', padding: '6px 0' },
  '.cm-line': { padding: '0 8px' },
  '.cm-scroller': { overflow: 'auto', maxHeight: '20rem' },
  '.cm-placeholder': { color: 'var(--color-muted-foreground)' },
  '.cm-cursor': { borderLeftColor: 'var(--color-foreground)' },
});

/** Maps the server's error to a range in the text (jsonata points just after the offending token). */
export function problemRange(problem: ExpressionProblem, length: number): { from: number; to: number } {
  if (typeof problem.from === 'number' && typeof problem.to === 'number') {
    return { from: Math.min(problem.from, length), to: Math.min(Math.max(problem.to, problem.from), length) };
  }
  if (typeof problem.position !== 'number') return { from: 0, to: length };
  const end = Math.min(Math.max(problem.position, 0), length);
  const from = Math.max(0, end - 1);
  return from === end ? { from: Math.max(0, length - 1), to: length } : { from, to: end };
}

async function checkText(
  text: string,
  kind: EditorKind,
  signal: AbortSignal,
): Promise<ExpressionProblem | null> {
  const res = await fetch('/api/ui/automations/check', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ text, kind }] }),
    signal,
  });
  if (!res.ok) return null;
  const json = (await res.json()) as { errors: (ExpressionProblem | null)[] };
  return json.errors[0] ?? null;
}

/** CodeMirror 6 with JSONata highlighting and inline error markers from the server's compile check. */
export function CodeEditor({
  label,
  value,
  onChange,
  kind = 'expression',
  placeholder,
  singleLine = false,
  externalError,
  className,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const [problem, setProblem] = useState<ExpressionProblem | null>(null);
  const [text, setText] = useState(value);
  const errorId = useId();

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const extensions = [
      history(),
      closeBrackets(),
      bracketMatching(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      kind === 'template' ? jsonataTemplateLanguage : jsonataLanguage,
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      theme,
      EditorView.contentAttributes.of({
        'aria-label': label,
        'aria-multiline': singleLine ? 'false' : 'true',
        'aria-describedby': errorId,
      }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        const next = update.state.doc.toString();
        setText(next);
        onChangeRef.current(next);
      }),
      ...(singleLine
        ? [EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr))]
        : [EditorView.lineWrapping]),
      ...(placeholder ? [placeholderExt(placeholder)] : []),
    ];
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: value, extensions }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; later value changes are applied below without recreating it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, label, singleLine]);

  // A value replaced from outside (a template, a reset) is pushed into the editor.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      if (text.trim() === '') {
        setProblem(null);
        return;
      }
      checkText(text, kind, controller.signal)
        .then(setProblem)
        .catch(() => {});
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, kind]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = problem
      ? [{ ...problemRange(problem, length), severity: 'error', message: problem.message }]
      : [];
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problem]);

  const shown = problem?.message ?? externalError;
  return (
    <div className={cn('flex flex-col gap-1', className)}>
      <div ref={host} data-invalid={shown ? 'true' : undefined} />
      <p id={errorId} className={cn('text-xs font-medium text-danger-text', !shown && 'sr-only')}>
        {shown
          ? `${label}: ${shown}${typeof problem?.position === 'number' ? ` (position ${problem.position})` : ''}`
          : ''}
      </p>
    </div>
  );
}

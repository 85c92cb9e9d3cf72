'use client';

import { useEffect, useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { Field, Select, Textarea } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';

// Sample input, live preview, backtest and "Send test". All rendering happens on the server with the worker's
// own code; this only shows the results (as text, never markup).

interface RenderError {
  where: string;
  message: string;
  position?: number;
}
interface PreviewRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  bodyEncoding?: 'base64';
}
interface ActionPreview {
  name: string;
  when: { pass: boolean } | { error: RenderError } | null;
  request: PreviewRequest | null;
  error: RenderError | null;
}
interface PreviewResult {
  filter: { pass: boolean } | { error: RenderError };
  actions: ActionPreview[];
}
interface BacktestRow extends PreviewResult {
  eventId: string;
  receivedAt: string;
  pass: boolean;
}
interface SendTestStep {
  name: string;
  skipped: boolean;
  request: PreviewRequest | null;
  response: { status: number; headers: Record<string, string>; body: string } | null;
  durationMs: number | null;
  error: { where: string; message: string } | null;
}
interface SampleEvent {
  id: string;
  receivedAt: string;
  method: string;
  contentType: string | null;
  size: number;
}

export interface TemplateSampleProp {
  body: unknown;
  raw: string;
  contentType: string;
  headers: Record<string, string>;
}

const PREVIEW_DELAY_MS = 300;

async function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  const json = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return json;
}

function errorText(e: RenderError): string {
  return `${e.where}: ${e.message}${typeof e.position === 'number' ? ` (position ${e.position})` : ''}`;
}

function RequestView({ request }: { request: PreviewRequest }) {
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return (
    <div className="flex flex-col gap-2">
      <p className="font-mono text-xs break-all">
        <span className="font-semibold">{request.method}</span> {request.url}
      </p>
      {headers && <CodeBlock code={headers} copyable={false} />}
      {request.body === null ? (
        <p className="text-xs text-muted-foreground">No body</p>
      ) : (
        <CodeBlock
          code={
            request.bodyEncoding === 'base64' ? `(binary, base64) ${request.body}` : prettyBody(request.body)
          }
          copyable={false}
        />
      )}
    </div>
  );
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function FilterBadge({ filter }: { filter: PreviewResult['filter'] }) {
  if ('error' in filter) return <Badge tone="danger">Filter error</Badge>;
  return filter.pass ? (
    <Badge tone="success">Filter passes</Badge>
  ) : (
    <Badge tone="neutral">Filter does not pass</Badge>
  );
}

export function PreviewPanel({
  draft,
  hookId,
  templateSample,
  automationId,
  dirty,
}: {
  /** The definition as previews take it (no signing secrets). */
  draft: Record<string, unknown>;
  hookId: string | null;
  templateSample: TemplateSampleProp | null;
  /** Saved automation and no unsaved changes: "Send test" runs the saved version (with its signing secret). */
  automationId: string | null;
  dirty: boolean;
}) {
  const [loaded, setLoaded] = useState<{ hookId: string; items: SampleEvent[] } | null>(null);
  const [chosen, setSource] = useState<string>(templateSample ? 'template' : 'paste');
  const [pasted, setPasted] = useState(() =>
    JSON.stringify(templateSample?.body ?? { hello: 'world' }, null, 2),
  );
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [backtest, setBacktest] = useState<BacktestRow[] | null>(null);
  const [backtesting, setBacktesting] = useState(false);
  const [backtestError, setBacktestError] = useState<string | null>(null);
  const [sendResult, setSendResult] = useState<{
    filter: PreviewResult['filter'];
    steps: SendTestStep[];
  } | null>(null);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);

  // The hook's recent events; the latest becomes the default sample.
  useEffect(() => {
    if (!hookId) return;
    const controller = new AbortController();
    fetch(`/api/ui/automations/samples?hookId=${encodeURIComponent(hookId)}`, { signal: controller.signal })
      .then((r) => (r.ok ? (r.json() as Promise<{ items: SampleEvent[] }>) : { items: [] }))
      .then(({ items }) => {
        setLoaded({ hookId, items });
        // Default: the hook's latest event.
        if (items.length > 0) setSource(`event:${items[0].id}`);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [hookId]);

  const events = loaded && loaded.hookId === hookId ? loaded.items : [];
  // An event of another hook (the trigger changed) is no longer a choice.
  const source =
    chosen.startsWith('event:') && !events.some((e) => `event:${e.id}` === chosen)
      ? templateSample
        ? 'template'
        : 'paste'
      : chosen;

  const sample = useMemo((): { value: unknown } | { error: string } => {
    if (source.startsWith('event:')) return { value: { eventId: source.slice('event:'.length) } };
    if (source === 'template' && templateSample) {
      return {
        value: {
          json: templateSample.body,
          raw: templateSample.raw,
          contentType: templateSample.contentType,
          headers: templateSample.headers,
        },
      };
    }
    try {
      return { value: { json: JSON.parse(pasted) as unknown } };
    } catch (error) {
      return { error: `Sample is not valid JSON: ${(error as Error).message}` };
    }
  }, [source, pasted, templateSample]);

  const draftKey = JSON.stringify(draft);
  const sampleKey = JSON.stringify(sample);

  useEffect(() => {
    if ('error' in sample) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      postJson<PreviewResult>(
        '/api/ui/automations/preview',
        { draft, sample: sample.value },
        controller.signal,
      )
        .then((result) => {
          setPreview(result);
          setPreviewError(null);
        })
        .catch((error: Error) => {
          if (error.name !== 'AbortError') setPreviewError(error.message);
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // Keyed by content, not identity: the draft object is rebuilt on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftKey, sampleKey]);

  async function runBacktest() {
    if (!hookId) return;
    setBacktesting(true);
    setBacktestError(null);
    try {
      const { rows } = await postJson<{ rows: BacktestRow[] }>('/api/ui/automations/backtest', {
        draft,
        hookId,
      });
      setBacktest(rows);
    } catch (error) {
      setBacktestError((error as Error).message);
    } finally {
      setBacktesting(false);
    }
  }

  async function sendTest() {
    if ('error' in sample) return;
    setSending(true);
    setSendError(null);
    try {
      const body =
        automationId && !dirty ? { automationId, sample: sample.value } : { draft, sample: sample.value };
      setSendResult(await postJson('/api/ui/automations/send-test', body));
    } catch (error) {
      setSendError((error as Error).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Sample input</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <Field id="sample-source" label="Sample event">
            <Select value={source} onChange={(e) => setSource(e.target.value)}>
              {events.map((e) => (
                <option key={e.id} value={`event:${e.id}`}>
                  {new Date(e.receivedAt).toLocaleString()} · {e.method} · {e.contentType ?? 'no body'} ·{' '}
                  {e.size} B
                </option>
              ))}
              {templateSample && <option value="template">Template sample payload</option>}
              <option value="paste">Paste JSON…</option>
            </Select>
          </Field>
          {source === 'paste' && (
            <Field id="sample-json" label="Sample JSON">
              <Textarea
                className="min-h-40 font-mono text-xs"
                value={pasted}
                onChange={(e) => setPasted(e.target.value)}
              />
            </Field>
          )}
        </CardContent>
      </Card>

      <Card role="region" aria-label="Live preview">
        <CardHeader>
          <CardTitle>Live preview</CardTitle>
          {preview && <FilterBadge filter={preview.filter} />}
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {'error' in sample ? (
            <p className="text-sm text-danger-text">{sample.error}</p>
          ) : (
            previewError && <p className="text-sm text-danger-text">{previewError}</p>
          )}
          {preview && 'error' in preview.filter && (
            <p className="text-sm text-danger-text">{errorText(preview.filter.error)}</p>
          )}
          {preview?.actions.map((a, i) => (
            <div
              key={i}
              className="flex flex-col gap-2 border-t border-border pt-3 first:border-0 first:pt-0"
            >
              <div className="flex flex-wrap items-center gap-2">
                <p className="text-sm font-medium">{a.name}</p>
                {a.when &&
                  ('error' in a.when ? (
                    <Badge tone="danger">When: error</Badge>
                  ) : (
                    <Badge tone={a.when.pass ? 'success' : 'neutral'}>When: {String(a.when.pass)}</Badge>
                  ))}
              </div>
              {a.when && 'error' in a.when && (
                <p className="text-sm text-danger-text">{errorText(a.when.error)}</p>
              )}
              {a.error && <p className="text-sm text-danger-text">{errorText(a.error)}</p>}
              {a.request && <RequestView request={a.request} />}
            </div>
          ))}
          {preview && preview.actions.length === 0 && (
            <p className="text-sm text-muted-foreground">Add an action to see the request it would send.</p>
          )}
          <p className="text-xs text-muted-foreground">Secret values are shown as ••••. Nothing is sent.</p>
        </CardContent>
      </Card>

      <Card role="region" aria-label="Test on recent events">
        <CardHeader>
          <CardTitle>Test on recent events</CardTitle>
          <Button
            variant="secondary"
            size="sm"
            loading={backtesting}
            disabled={!hookId}
            onClick={() => void runBacktest()}
          >
            Test on recent events
          </Button>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          {!hookId && (
            <p className="text-sm text-muted-foreground">Choose a hook to test on its last 50 events.</p>
          )}
          {backtestError && <p className="text-sm text-danger-text">{backtestError}</p>}
          {backtest && backtest.length === 0 && (
            <p className="text-sm text-muted-foreground">This hook has no events yet.</p>
          )}
          {backtest && backtest.length > 0 && (
            <>
              <p className="text-sm" role="status">
                {backtest.filter((r) => r.pass).length} of {backtest.length} events would match.
              </p>
              <Table>
                <THead>
                  <Tr>
                    <Th>Event</Th>
                    <Th>Received</Th>
                    <Th>Match</Th>
                    <Th>Would send</Th>
                  </Tr>
                </THead>
                <TBody>
                  {backtest.map((row) => (
                    <Tr key={row.eventId}>
                      <Td className="font-mono text-xs">{row.eventId.slice(-8)}</Td>
                      <Td>
                        <TimeAgo date={row.receivedAt} />
                      </Td>
                      <Td>
                        {'error' in row.filter ? (
                          <Badge tone="danger" title={errorText(row.filter.error)}>
                            Error
                          </Badge>
                        ) : row.pass ? (
                          <Badge tone="success">Match</Badge>
                        ) : (
                          <Badge tone="neutral">No match</Badge>
                        )}
                      </Td>
                      <Td className="max-w-md">
                        {row.actions.map((a, i) => (
                          <div key={i} className="font-mono text-xs break-all">
                            {a.error
                              ? `${a.name}: ${errorText(a.error)}`
                              : a.when && 'pass' in a.when && !a.when.pass
                                ? `${a.name}: skipped (when is false)`
                                : a.request
                                  ? `${a.request.method} ${a.request.url} ${a.request.body ? a.request.body.slice(0, 160) : ''}`
                                  : ''}
                          </div>
                        ))}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </>
          )}
        </CardContent>
      </Card>

      <Card role="region" aria-label="Send test">
        <CardHeader>
          <CardTitle>Send test</CardTitle>
          <Button size="sm" loading={sending} disabled={'error' in sample} onClick={() => void sendTest()}>
            Send test
          </Button>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <p className="text-xs text-muted-foreground">
            Sends the requests for real, once, for the chosen sample
            {automationId && !dirty ? ' (saved version)' : ' (current draft)'}, and shows the responses.
          </p>
          {sendError && <p className="text-sm text-danger-text">{sendError}</p>}
          {sendResult && (
            <div className="flex flex-col gap-3">
              <FilterBadge filter={sendResult.filter} />
              {sendResult.steps.map((s, i) => (
                <div key={i} className="flex flex-col gap-2 border-t border-border pt-3">
                  <div className="flex items-center gap-2">
                    <p className="text-sm font-medium">{s.name}</p>
                    {s.skipped && <Badge>Skipped</Badge>}
                    {s.response && (
                      <Badge tone={s.response.status < 300 ? 'success' : 'danger'}>
                        HTTP {s.response.status}
                      </Badge>
                    )}
                    {s.durationMs !== null && (
                      <span className="text-xs text-muted-foreground">{s.durationMs} ms</span>
                    )}
                  </div>
                  {s.error && <p className="text-sm text-danger-text">{s.error.message}</p>}
                  {s.response && (
                    <CodeBlock code={prettyBody(s.response.body) || '(empty response)'} copyable={false} />
                  )}
                </div>
              ))}
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

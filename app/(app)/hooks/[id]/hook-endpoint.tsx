'use client';

import { useState } from 'react';
import { toast } from 'sonner';
import { curlExample, SCHEME_LABELS } from '@/components/hooks/format';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { CopyButton } from '@/components/ui/copy-button';
import { PlayIcon } from '@/components/ui/icons';
import type { ApiHook } from '@/lib/hooks/hooks';
import { sendTestEventAction } from '../actions';

export function HookEndpoint({ hook }: { hook: ApiHook }) {
  const [sending, setSending] = useState(false);
  const signed = hook.verification.scheme !== 'none';

  async function sendTest() {
    setSending(true);
    const result = await sendTestEventAction(hook.id);
    setSending(false);
    if (!result.ok) {
      toast.error(result.error);
      return;
    }
    const { status, body } = result.data!;
    if (status >= 200 && status < 300) toast.success(`Test event sent: the hook answered ${status}`);
    else toast.error(`The hook answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Endpoint</CardTitle>
        <CardDescription>
          {hook.enabled
            ? 'Any HTTP client can send requests to this URL. Keep it private: it works like a password.'
            : 'This hook is disabled: its URL answers 404 until you enable it again.'}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="flex items-center gap-2 rounded-md border border-border bg-muted/60 px-3 py-2">
          <code aria-label="Hook URL" className="min-w-0 flex-1 font-mono text-sm break-all">
            {hook.url}
          </code>
          <CopyButton value={hook.url} label="Copy hook URL" variant="secondary" size="icon" />
        </div>
        <div className="space-y-1.5">
          <p className="text-sm font-medium">Try it with curl</p>
          <CodeBlock code={curlExample(hook.url)} copyLabel="Copy curl command" />
          {signed && (
            <p className="text-xs text-muted-foreground">
              This hook checks {SCHEME_LABELS[hook.verification.scheme]} signatures, so an unsigned request
              like this one is recorded as rejected (401). <strong>Send test event</strong> signs its request
              with your secret.
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Button onClick={() => void sendTest()} loading={sending}>
            {!sending && <PlayIcon className="size-3.5" />}
            Send test event
          </Button>
          <span className="text-xs text-muted-foreground">
            Posts a sample JSON payload through the real endpoint; it appears below and starts your
            automations.
          </span>
        </div>
      </CardContent>
    </Card>
  );
}

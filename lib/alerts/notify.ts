import type Database from 'better-sqlite3';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { getDbHandle, getWorkerDbHandle } from '@/db/client';
import { sendRequest } from '@/lib/delivery/http-client';
import { completeJob, enqueueJob, rescheduleJob, wakeWorker, type Job } from '@/lib/delivery/queue';
import { decrypt } from '@/lib/crypto/encryption';
import { env } from '@/lib/env';
import { RULE_KINDS, type AlertRuleKind } from './kinds';

// Outgoing alert notifications. Each (alert, channel, phase) is one `alert` job in the delivery queue, so it gets
// the queue's durability and a few retries with backoff; webhooks go through the one outbound HTTP module (SSRF
// guard, timeout, no redirects), email through SMTP (HOOKLINE_SMTP_URL).

export const ALERT_JOB_KIND = 'alert';
const MAX_NOTIFY_ATTEMPTS = 5;
const NOTIFY_TIMEOUT_MS = 10_000;

export type NotifyPhase = 'opened' | 'resolved' | 'test';

export interface AlertForNotice {
  id: string;
  kind: AlertRuleKind;
  status: 'open' | 'resolved';
  title: string;
  message: string;
  link: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
  resolvedAt: number | null;
  subjectKey: string;
}

export interface ChannelTarget {
  id: string;
  type: 'webhook' | 'email';
  preset: 'slack' | 'discord' | 'json' | null;
  urlEncrypted: string | null;
  emailTo: string | null;
}

const jobPayload = z.object({
  alertId: z.string(),
  channelId: z.string(),
  phase: z.enum(['opened', 'resolved']),
});

export function smtpConfigured(): boolean {
  return !!process.env.HOOKLINE_SMTP_URL?.trim();
}

function absoluteLink(link: string | null): string | null {
  if (!link) return null;
  const base = env.publicUrl();
  return base ? `${base}${link}` : link;
}

export function noticeText(alert: AlertForNotice, phase: NotifyPhase): { subject: string; text: string } {
  const prefix = phase === 'resolved' ? 'Resolved' : phase === 'test' ? 'Test' : 'Alert';
  const subject = `[Hookline] ${prefix}: ${alert.title}`;
  const lines = [
    `${phase === 'resolved' ? '✅' : phase === 'test' ? 'ℹ️' : '🔴'} ${prefix}: ${alert.title}`,
    alert.message,
  ];
  if (alert.count > 1)
    lines.push(`Happened ${alert.count} times since ${new Date(alert.firstAt).toISOString()}.`);
  const link = absoluteLink(alert.link);
  if (link) lines.push(link);
  return { subject, text: lines.join('\n') };
}

export function webhookBody(
  preset: ChannelTarget['preset'],
  alert: AlertForNotice,
  phase: NotifyPhase,
): Record<string, unknown> {
  const { text } = noticeText(alert, phase);
  if (preset === 'slack') return { text };
  if (preset === 'discord') return { content: text.slice(0, 2000) };
  return {
    alert: {
      id: alert.id,
      event: phase,
      kind: alert.kind,
      rule: RULE_KINDS[alert.kind].label,
      status: alert.status,
      title: alert.title,
      message: alert.message,
      subject: alert.subjectKey,
      count: alert.count,
      firstAt: new Date(alert.firstAt).toISOString(),
      lastAt: new Date(alert.lastAt).toISOString(),
      resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
      link: absoluteLink(alert.link),
    },
  };
}

let transport: { url: string; transporter: Transporter } | null = null;

function smtpTransport(): Transporter {
  const url = process.env.HOOKLINE_SMTP_URL?.trim();
  if (!url) throw new Error('Email is not configured: set HOOKLINE_SMTP_URL');
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

/** Sends one notice; resolves to an error message (null on success) and whether trying again may help. */
export async function sendNotice(
  channel: ChannelTarget,
  alert: AlertForNotice,
  phase: NotifyPhase,
): Promise<{ error: string | null; retryable: boolean }> {
  if (channel.type === 'email') {
    if (!channel.emailTo) return { error: 'The channel has no recipient', retryable: false };
    try {
      const { subject, text } = noticeText(alert, phase);
      await smtpTransport().sendMail({
        from: process.env.HOOKLINE_SMTP_FROM?.trim() || 'Hookline <hookline@localhost>',
        to: channel.emailTo,
        subject,
        text,
      });
      return { error: null, retryable: false };
    } catch (error) {
      return { error: `Email failed: ${(error as Error).message}`, retryable: smtpConfigured() };
    }
  }
  if (!channel.urlEncrypted) return { error: 'The channel has no URL', retryable: false };
  const result = await sendRequest({
    method: 'POST',
    url: decrypt(channel.urlEncrypted),
    headers: { 'content-type': 'application/json', 'user-agent': 'Hookline-Alerts/1' },
    body: JSON.stringify(webhookBody(channel.preset, alert, phase)),
    timeoutMs: NOTIFY_TIMEOUT_MS,
  });
  const status = result.response?.status ?? null;
  if (!result.error && status !== null && status >= 200 && status < 300)
    return { error: null, retryable: false };
  const error = result.error ? result.error.message : `The channel answered HTTP ${status}`;
  const retryable =
    result.error?.kind === 'network' ||
    result.error?.kind === 'timeout' ||
    (status !== null && (status >= 500 || status === 429 || status === 408));
  return { error, retryable };
}

interface AlertRow {
  id: string;
  user_id: string;
  kind: AlertRuleKind;
  status: 'open' | 'resolved';
  title: string;
  message: string;
  link: string | null;
  count: number;
  first_at: number;
  last_at: number;
  resolved_at: number | null;
  subject_key: string;
}

export function toNotice(r: AlertRow): AlertForNotice {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    title: r.title,
    message: r.message,
    link: r.link,
    count: r.count,
    firstAt: r.first_at,
    lastAt: r.last_at,
    resolvedAt: r.resolved_at,
    subjectKey: r.subject_key,
  };
}

/** Queues one notification per enabled channel of the user (inside the caller's transaction when there is one). */
export function enqueueNotices(
  sqlite: Database.Database,
  userId: string,
  alertId: string,
  phase: 'opened' | 'resolved',
  now = Date.now(),
): number {
  const channels = sqlite
    .prepare(`select id from alert_channels where user_id = ? and enabled = 1`)
    .all(userId) as { id: string }[];
  for (const c of channels) {
    enqueueJob(sqlite, {
      kind: ALERT_JOB_KIND,
      payload: { alertId, channelId: c.id, phase },
      dueAt: now,
      idempotencyKey: `alert:${alertId}:${c.id}:${phase}`,
    });
  }
  return channels.length;
}

export function wakeForNotices(count: number): void {
  if (count > 0) wakeWorker();
}

/** The worker's handler for `alert` jobs. */
export async function deliverAlertJob(job: Job): Promise<void> {
  const { sqlite } = getWorkerDbHandle();
  const parsed = jobPayload.safeParse(job.payload);
  if (!parsed.success) {
    completeJob(sqlite, job);
    return;
  }
  const { alertId, channelId, phase } = parsed.data;
  const main = getDbHandle().sqlite;
  const alert = main.prepare(`select * from alerts where id = ?`).get(alertId) as AlertRow | undefined;
  const channel = alert
    ? (main
        .prepare(
          `select id, type, preset, url_encrypted as urlEncrypted, email_to as emailTo from alert_channels
           where id = ? and user_id = ? and enabled = 1`,
        )
        .get(channelId, alert.user_id) as ChannelTarget | undefined)
    : undefined;
  if (!alert || !channel) {
    completeJob(sqlite, job);
    return;
  }
  const outcome = await sendNotice(channel, toNotice(alert), phase);
  if (outcome.error && outcome.retryable && job.attempts < MAX_NOTIFY_ATTEMPTS) {
    const delay = Math.min(1000 * 2 ** job.attempts, 60_000) * (0.8 + Math.random() * 0.4);
    rescheduleJob(sqlite, job, Date.now() + Math.round(delay));
    return;
  }
  if (outcome.error) console.error(`Alert ${alertId} to channel ${channelId}: ${outcome.error}`);
  completeJob(sqlite, job);
}

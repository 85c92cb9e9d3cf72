import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alertChannels } from '@/db/schema';
import { encrypt } from '@/lib/crypto/encryption';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import { sendNotice, smtpConfigured, type AlertForNotice } from './notify';
import { createChannelInput, updateChannelInput } from './schema';

// Outgoing alert channels. A webhook URL is a credential (Slack and Discord put the token in it): stored
// encrypted, shown only as its host.

export interface ChannelView {
  id: string;
  name: string;
  type: 'webhook' | 'email';
  preset: 'slack' | 'discord' | 'json' | null;
  target: string;
  enabled: boolean;
  createdAt: string;
}

type Row = typeof alertChannels.$inferSelect;

function toView(r: Row): ChannelView {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    preset: r.preset,
    target: r.type === 'email' ? (r.emailTo ?? '') : (r.urlHint ?? ''),
    enabled: r.enabled,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

function getOwned(userId: string, id: string): Row {
  const row = getDb()
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.id, id), eq(alertChannels.userId, userId)))
    .get();
  if (!row) throw new NotFoundError('Channel');
  return row;
}

export function listChannels(userId: string): ChannelView[] {
  return getDb()
    .select()
    .from(alertChannels)
    .where(eq(alertChannels.userId, userId))
    .orderBy(asc(alertChannels.id))
    .all()
    .map(toView);
}

export function createChannel(userId: string, input: unknown): ChannelView {
  const data = parseInput(createChannelInput, input);
  if (data.type === 'email' && !smtpConfigured()) {
    throw new ValidationError('Email is not configured on this server: set HOOKLINE_SMTP_URL', {
      type: 'Email needs HOOKLINE_SMTP_URL',
    });
  }
  const now = Date.now();
  const row = getDb()
    .insert(alertChannels)
    .values({
      id: newId('ach'),
      userId,
      name: data.name,
      type: data.type,
      preset: data.type === 'webhook' ? data.preset : null,
      urlEncrypted: data.type === 'webhook' ? encrypt(data.url) : null,
      urlHint: data.type === 'webhook' ? new URL(data.url).host : null,
      emailTo: data.type === 'email' ? data.to : null,
      enabled: data.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return toView(row);
}

export function updateChannel(userId: string, id: string, input: unknown): ChannelView {
  getOwned(userId, id);
  const data = parseInput(updateChannelInput, input);
  const row = getDb()
    .update(alertChannels)
    .set({ ...data, updatedAt: Date.now() })
    .where(and(eq(alertChannels.id, id), eq(alertChannels.userId, userId)))
    .returning()
    .get();
  return toView(row);
}

export function deleteChannel(userId: string, id: string): void {
  getOwned(userId, id);
  getDb()
    .delete(alertChannels)
    .where(and(eq(alertChannels.id, id), eq(alertChannels.userId, userId)))
    .run();
}

/** Sends a sample notice right away (not through the queue) and reports what happened. */
export async function sendTestNotice(userId: string, id: string): Promise<{ ok: boolean; message: string }> {
  const row = getOwned(userId, id);
  const now = Date.now();
  const sample: AlertForNotice = {
    id: 'alr_test',
    kind: 'run_failed',
    status: 'open',
    title: 'Test notification from Hookline',
    message: `The channel “${row.name}” works.`,
    link: '/alerts',
    count: 1,
    firstAt: now,
    lastAt: now,
    resolvedAt: null,
    subjectKey: 'test',
  };
  const result = await sendNotice(
    { id: row.id, type: row.type, preset: row.preset, urlEncrypted: row.urlEncrypted, emailTo: row.emailTo },
    sample,
    'test',
  );
  return result.error
    ? { ok: false, message: result.error }
    : { ok: true, message: 'Test notification sent' };
}

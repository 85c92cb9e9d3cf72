import type { Metadata } from 'next';
import { AlertSettings } from '@/components/alerts/alert-settings';
import { listChannels } from '@/lib/alerts/channels';
import { smtpConfigured } from '@/lib/alerts/notify';
import { listRules } from '@/lib/alerts/rules';
import { requireUser } from '@/lib/auth/session';
import {
  createChannelAction,
  deleteChannelAction,
  sendTestAction,
  updateChannelAction,
  updateRuleAction,
} from './actions';

export const metadata: Metadata = { title: 'Alert settings' };

export default async function AlertSettingsPage() {
  const user = await requireUser();
  return (
    <AlertSettings
      rules={listRules(user.id)}
      channels={listChannels(user.id)}
      emailAvailable={smtpConfigured()}
      actions={{
        updateRule: updateRuleAction,
        createChannel: createChannelAction,
        updateChannel: updateChannelAction,
        deleteChannel: deleteChannelAction,
        sendTest: sendTestAction,
      }}
    />
  );
}

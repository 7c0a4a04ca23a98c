import { message } from 'antd';
import { useState } from 'react';
import i18n, { errorMessage } from '../../i18n/index.ts';
import { ApiError } from '../../shared/api.ts';
import type { Role } from '../../shared/model.ts';

/** The shapes of /api/inbox and /api/notify (see /api/docs). */
export type ChannelKind = 'wecom' | 'dingtalk' | 'sms';

export interface InboxMessage {
  id: string;
  unitCode: string | null;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

/** A channel as the server shows it: its key and numbers masked, its secret only as "set". */
export interface Channel {
  id: string;
  unitCode: string;
  kind: ChannelKind;
  name: string;
  url: string;
  hasSecret: boolean;
  phones: string[];
  enabled: boolean;
  version: number;
}

export interface DeadLetter {
  id: string;
  unitCode: string | null;
  kind: ChannelKind;
  channelName: string | null;
  title: string;
  to: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  failedAt: string;
}

/** Admins configure their units' channels and retry dead letters (the server decides; this hides what it would refuse). */
const NOTIFY_ADMINS: readonly Role[] = ['district_admin', 'subdistrict_admin', 'community_admin'];

export function canConfigureNotify(role: Role): boolean {
  return NOTIFY_ADMINS.includes(role);
}

/** A failure in the language on screen: the notify module's own codes first, then the shared ones. */
export function notifyError(error: unknown): string {
  if (error instanceof ApiError && error.code.startsWith('notify.')) {
    const key = `notify.errors.${error.code.slice('notify.'.length)}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorMessage(error);
}

/** Sends a change: `busy` while it runs, then a toast saying it worked or why it was refused. */
export function useNotifySending() {
  const [busy, setBusy] = useState(false);
  async function send(change: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    try {
      await change();
      void message.success(done);
      return true;
    } catch (error) {
      void message.error(notifyError(error));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, send };
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

import { useEffect } from 'react';
import i18n, { errorMessage } from '../i18n/index.ts';
import { ApiError } from './api.ts';

/** The curtain pact's (窗帘之约) answers as both apps read them (docs/checkins.md, "HTTP"). */

export type CheckState = 'waiting' | 'safe' | 'away' | 'alerted' | 'resolved';
export type AlertStatus = 'open' | 'acknowledged' | 'signalled' | 'resolved';
export const OUTCOMES = ['safe', 'overslept', 'away', 'ill', 'hospital', 'dead', 'device_fault'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes that open a private care case: the form says so before it is sent. */
export const SERIOUS_OUTCOMES: readonly Outcome[] = ['ill', 'hospital', 'dead'];
export type SignalType = 'tick' | 'link' | 'sms' | 'door' | 'curtain' | 'water' | 'power' | 'panic';
export type AwayReason = 'hospital' | 'with_family' | 'other';

export interface TodayItem {
  checkId: string;
  subjectId: string;
  window: 'morning' | 'evening';
  opensAt: string;
  dueAt: string;
  state: CheckState;
  safeAt: string | null;
  safeVia: SignalType | null;
  alert: { id: string; status: AlertStatus; overdue: boolean; rung: number; outcome: Outcome | null } | null;
  name: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  residentId: string | null;
  householdId: string | null;
  address: string;
  buildingId: string | null;
  buildingAddress: string | null;
  lng: number | null;
  lat: number | null;
  microgridCode: string;
}

export interface TodayList {
  date: string;
  items: TodayItem[];
  truncated: boolean;
}

export interface CareAlert {
  id: string;
  kind: 'missed' | 'panic';
  subjectId: string;
  microgridCode: string;
  day: string;
  window: 'morning' | 'evening' | null;
  dueAt: string;
  raisedAt: string;
  lateMinutes: number;
  rung: number;
  nextRungAt: string | null;
  status: AlertStatus;
  overdue: boolean;
  overdueAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  signalAt: string | null;
  signalType: SignalType | null;
  awaitingConfirmation: boolean;
  outcome: Outcome | null;
  outcomeNote: string | null;
  outcomeBy: string | null;
  outcomeAt: string | null;
  caseId: string | null;
  name: string;
  address: string;
  phone: string | null;
  version: number;
}

export interface Contact {
  name: string;
  phone: string;
  relation: string | null;
  channel: 'sms' | 'phone';
}

export interface AlertDetail extends CareAlert {
  contacts: Contact[];
  timeline: { step: string; at: string; actor: string; details: Record<string, unknown> }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Subject {
  id: string;
  residentId: string;
  householdId: string | null;
  microgridCode: string;
  name: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  address: string;
  buildingAddress: string | null;
  plan: {
    morningWindow: { start: string; end: string };
    eveningWindow: { start: string; end: string } | null;
    signals: SignalType[];
    waterLitres: number | null;
    powerKwh: number | null;
  };
  contacts: Contact[];
  hasHealthNotes: boolean;
  linkIssuedAt: string | null;
  enrolledVia: 'staff' | 'tags';
  removedAt: string | null;
  createdAt: string;
  version: number;
}

export interface SubjectDetail extends Subject {
  away: { id: string; startsAt: string; endsAt: string; reason: AwayReason; note: string | null }[];
  devices: { id: string; kind: string; name: string; createdAt: string; retiredAt: string | null }[];
}

export interface HistoryDay {
  day: string;
  checks: {
    window: 'morning' | 'evening';
    state: CheckState;
    dueAt: string;
    safeAt: string | null;
    safeVia: SignalType | null;
    alert: { id: string; status: AlertStatus; outcome: Outcome | null; outcomeAt: string | null } | null;
  }[];
}

export interface BoardRow {
  code: string;
  name: string;
  subjects: number;
  checks: number;
  safe: number;
  waiting: number;
  alerted: number;
  resolved: number;
  away: number;
  openAlerts: number;
  overdue: number;
}

export interface Board {
  date: string;
  unit: { code: string; name: string; level: string } | null;
  totals: BoardRow | null;
  rows: BoardRow[];
}

export interface Figures {
  alerts: number;
  panics: number;
  resolved: number;
  open: number;
  overdue: number;
  falseAlarms: number;
  falseAlarmShare: number | null;
  medianMinutesToOutcome: number | null;
  withinHour: number;
  outcomes: Partial<Record<Outcome, number>>;
}

export interface Monthly {
  unit: { code: string; name: string; level: string };
  month: string;
  totals: Figures;
  units: (Figures & { code: string; name: string })[];
}

/** What a person's day shows as, one word for the list, the board and the calendar. */
export type Shown = 'safe' | 'waiting' | 'alert' | 'away' | 'resolved' | 'none';

/** A check as the worker sees it: an open alert outranks the check's own state. */
export function shownState(state: CheckState, alert: { outcome: Outcome | null } | null): Shown {
  if (alert && alert.outcome === null) return 'alert';
  if (state === 'alerted') return 'alert';
  return state;
}

/** One colour per shown state, alike on the phone, the board and the calendar. */
export const SHOWN_COLOURS: Record<Shown, string> = {
  safe: '#52c41a',
  waiting: '#faad14',
  alert: '#f5222d',
  away: '#1677ff',
  resolved: '#722ed1',
  none: '#d9d9d9',
};

/** A failure in the user's language: the curtain pact's own codes first (`checkins.errors.*`), then the common ones. */
export function checkinError(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `checkins.errors.${error.code.replace(/^checkin\./, '')}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorMessage(error);
}

/**
 * Calls `refresh` every `ms` and when the tab comes back into view, while the component is mounted:
 * the board and the worker's list change as signals and the sweeper run, without a reload.
 */
export function usePolling(refresh: () => void, ms: number): void {
  useEffect(() => {
    const timer = setInterval(refresh, ms);
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', refresh);
    };
  }, [refresh, ms]);
}

/** A map link to a building (Amap's marker page; it opens the Amap app on a phone that has it). */
export function navigationUrl(lng: number, lat: number, label: string): string {
  return `https://uri.amap.com/marker?position=${lng},${lat}&name=${encodeURIComponent(label)}&coordinate=wgs84&callnative=1`;
}

/** `tel:` wants digits and a leading +; registered numbers may carry spaces and dashes. */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

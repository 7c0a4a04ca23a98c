import { useSyncExternalStore } from 'react';
import i18n, { errorMessage } from '../i18n/index.ts';
import { ApiError } from './api.ts';
import type { CaseState, Limit } from './model.ts';

/** What the console and the worker H5 share about cases: words, colours, clocks. */

/** States in which a case is still being worked (the server's OPEN_STATES). */
export const OPEN_STATES: readonly CaseState[] = [
  'reported',
  'verified',
  'filed',
  'returned',
  'dispatched',
  'extension_requested',
  'parking_requested',
  'parked',
  'fed_back',
];

/** antd / antd-mobile tag colour of a state: waiting on the office blue, at a department orange, done green, refused grey. */
export function stateColor(state: string): 'default' | 'processing' | 'warning' | 'success' | 'error' {
  switch (state) {
    case 'reported':
    case 'verified':
    case 'filed':
    case 'fed_back':
      return 'processing';
    case 'returned':
    case 'dispatched':
    case 'extension_requested':
    case 'parking_requested':
    case 'parked':
      return 'warning';
    case 'closed':
    case 'evaluated':
      return 'success';
    default:
      return 'default';
  }
}

export const stateLabel = (state: string) => (i18n.exists(`cases.states.${state}`) ? i18n.t(`cases.states.${state}`) : state);
export const actionLabel = (action: string) => (i18n.exists(`cases.actions.${action}`) ? i18n.t(`cases.actions.${action}`) : action);
export const limitLabel = (limit: Limit) => i18n.t(`cases.limitUnits.${limit.unit}`, { count: limit.amount });

/** A failure in the language on screen: the case module's own codes first, then the shared ones. */
export function caseError(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `cases.errors.${error.code}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorMessage(error);
}

/** Whether a failure is worth trying again later (no network, server busy), rather than a refusal. */
export function isTransient(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'zh-CN', {
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * A new Idempotency-Key. `crypto.randomUUID` exists only in secure contexts (https, localhost); a
 * district serving plain http on its LAN still gets a random v4 UUID from `getRandomValues`.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// One clock for every countdown on the page: a single timer, however many rows tick.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, re-rendering every second: for deadlines counting down live. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/**
 * What is left until `dueAt` (or how late it is), in words: days and hours far off, minutes and
 * seconds in the last hour, so the last stretch visibly counts down.
 */
export function countdown(dueAt: string, at: number): { overdue: boolean; text: string } {
  const left = Date.parse(dueAt) - at;
  const overdue = left < 0;
  const ms = Math.abs(left);
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const span =
    d > 0 ? i18n.t('cases.span.days', { d, h }) : h > 0 ? i18n.t('cases.span.hours', { h, m }) : i18n.t('cases.span.minutes', { m, s });
  return { overdue, text: i18n.t(overdue ? 'cases.overdueBy' : 'cases.timeLeft', { span }) };
}

/** A stored photo's reference (`<sha256>.<ext>`, from `POST /api/files`) and where to fetch it. */
const FILE_REF = /^[0-9a-f]{64}\.(jpg|png|webp)$/;
export const isFileRef = (ref: string) => FILE_REF.test(ref);
export const fileUrl = (ref: string) => `/api/files/${ref}`;

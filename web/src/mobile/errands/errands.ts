import i18n from '../../i18n/index.ts';
import { api, ApiError } from '../../shared/api.ts';
import { errorMessage } from '../../i18n/index.ts';
import type { CursorPage } from '../../shared/model.ts';

/** What the worker H5 knows of errands (帮办代办): the API's shapes, its calls, and their words. */

export const ERRAND_KINDS = ['certificate', 'medicine', 'payment', 'form', 'policy', 'other'] as const;
export type ErrandKind = (typeof ERRAND_KINDS)[number];
export type ErrandState = 'logged' | 'done' | 'confirmed' | 'cancelled';

export interface Errand {
  id: string;
  householdId: string;
  address: string;
  residentId: string | null;
  /** Masked: 张*兰. */
  residentName: string | null;
  /** Masked; null when none is on record. */
  residentPhone: string | null;
  microgridCode: string;
  workerUserId: string;
  workerName: string;
  kind: ErrandKind;
  what: string;
  promisedBy: string;
  state: ErrandState;
  overdue: boolean;
  doneAt: string | null;
  doneOnTime: boolean | null;
  confirmedAt: string | null;
  confirmedVia: 'worker' | 'link' | null;
  linkExpiresAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface NewErrand {
  householdId: string;
  residentId?: string;
  kind: ErrandKind;
  what: string;
  promisedBy: string;
}

/** The resident's one-time confirmation link, shown once. */
export interface IssuedLink {
  errand: Errand;
  link: { path: string; url: string; expiresAt: string };
  smsQueued: boolean;
}

export const PAGE_SIZE = 20;

export function errandsPage(after: string | null): Promise<CursorPage<Errand>> {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (after) query.set('after', after);
  return api.get<CursorPage<Errand>>(`/api/errands?${query}`);
}

export const logErrand = (errand: NewErrand, idempotencyKey: string) =>
  api.post<Errand>('/api/errands', errand, { 'idempotency-key': idempotencyKey });
export const markDone = (errand: Errand, sendSms: boolean) =>
  api.post<IssuedLink>(`/api/errands/${errand.id}/done`, { version: errand.version, sendSms });
export const newLink = (errand: Errand, sendSms: boolean) =>
  api.post<IssuedLink>(`/api/errands/${errand.id}/link`, { version: errand.version, sendSms });
export const recordConfirmation = (errand: Errand) => api.post<Errand>(`/api/errands/${errand.id}/confirm`, { version: errand.version });
export const cancel = (errand: Errand, reason: string) =>
  api.post<Errand>(`/api/errands/${errand.id}/cancel`, { version: errand.version, reason });

/** A link the resident can open: at PUBLIC_URL when the district set one, else at the address this phone used. */
export function linkUrl(issued: IssuedLink): string {
  return issued.link.url;
}

export const kindLabel = (kind: string) => (i18n.exists(`errands.kinds.${kind}`) ? i18n.t(`errands.kinds.${kind}`) : kind);
export const errandStateLabel = (state: string) => (i18n.exists(`errands.states.${state}`) ? i18n.t(`errands.states.${state}`) : state);

/** antd-mobile tag colour of an errand: open blue (red when overdue), waiting orange, confirmed green, cancelled grey. */
export function errandColor(errand: Pick<Errand, 'state' | 'overdue'>): 'primary' | 'warning' | 'success' | 'default' | 'danger' {
  if (errand.overdue) return 'danger';
  switch (errand.state) {
    case 'logged':
      return 'primary';
    case 'done':
      return 'warning';
    case 'confirmed':
      return 'success';
    default:
      return 'default';
  }
}

/** A failure in the language on screen: the errand module's own codes first, then the shared ones. */
export function errandError(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errands.errors.${error.code}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorMessage(error);
}

/** The promise choices: the end (23:59) of today, tomorrow, the third or the seventh day. */
export const PROMISES = { today: 0, tomorrow: 1, three: 2, week: 6 } as const;
export type PromiseChoice = keyof typeof PROMISES;

export function promiseInstant(choice: PromiseChoice, now = new Date()): string {
  const end = new Date(now);
  end.setDate(end.getDate() + PROMISES[choice]);
  end.setHours(23, 59, 0, 0);
  return end.toISOString();
}

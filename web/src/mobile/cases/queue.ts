import { Toast } from 'antd-mobile';
import { useEffect, useSyncExternalStore } from 'react';
import i18n from '../../i18n/index.ts';
import { api, ApiError, uploadFile } from '../../shared/api.ts';
import { isTransient } from '../../shared/cases.ts';
import type { CaseSummary, NewCase } from '../../shared/model.ts';
import { deletePhotos, loadPhotos, savePhotos } from './photoStore.ts';

/**
 * Reports made without network (DESIGN.md: writes a phone may retry carry an `Idempotency-Key`).
 * Each report gets its key when it is made and keeps it until the server has answered 201 for it:
 * a retry whose first attempt did reach the server (the answer was lost on the way back) gets the
 * same case again, never a second one. The queue lives in localStorage, one per account on the
 * phone (its photos in IndexedDB, photoStore.ts), and is sent on page load, when the browser says it
 * is back online, and every half minute while something waits.
 */
export interface QueuedReport {
  /** The Idempotency-Key, sent with every attempt. */
  key: string;
  /**
   * What is posted, every time (the server fingerprints it with the key), with `attachments` the
   * references of the photos, uploaded first on each attempt: content-addressed, the same photo
   * always gets the same reference, so every attempt posts the same report.
   */
  body: Omit<NewCase, 'attachments'>;
  /** Photos waiting in the phone's IndexedDB (photoStore.ts). */
  photos: number;
  queuedAt: string;
  /** For the list while it waits. */
  categoryName: string;
  placeName: string | null;
  /** Small JPEG previews (data: URLs). */
  thumbnails: string[];
  attempts: number;
  /** The server refused it (not a network failure): the error code; it waits for the worker to delete it. */
  refused?: string;
}

const PREFIX = 'wangge.caseQueue.';
const storageKey = (userId: string) => PREFIX + userId;

interface Snapshot {
  raw: string | null;
  items: QueuedReport[];
  /** Reports the queue has delivered since the page loaded: lists showing the server's cases reload on a change. */
  sent: number;
}

const snapshots = new Map<string, Snapshot>();
const listeners = new Set<() => void>();
let sentSinceLoad = 0;

function snapshot(userId: string): Snapshot {
  const raw = localStorage.getItem(storageKey(userId));
  const cached = snapshots.get(userId);
  if (cached && cached.raw === raw && cached.sent === sentSinceLoad) return cached;
  let items: QueuedReport[];
  try {
    items = raw ? (JSON.parse(raw) as QueuedReport[]) : [];
  } catch {
    items = [];
  }
  const next = { raw, items, sent: sentSinceLoad };
  snapshots.set(userId, next);
  return next;
}

function changed(): void {
  listeners.forEach((listener) => listener());
}

function write(userId: string, items: QueuedReport[]): void {
  const key = storageKey(userId);
  if (items.length === 0) {
    localStorage.removeItem(key);
  } else {
    try {
      localStorage.setItem(key, JSON.stringify(items));
    } catch {
      // Storage full: the previews go first, the reports must stay.
      localStorage.setItem(key, JSON.stringify(items.map((item) => ({ ...item, thumbnails: [] }))));
    }
  }
  changed();
}

function update(userId: string, change: (items: QueuedReport[]) => QueuedReport[]): void {
  write(userId, change(snapshot(userId).items));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same app sending or queueing.
  const onStorage = (event: StorageEvent) => event.key?.startsWith(PREFIX) && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The waiting reports of this account, re-rendering on every change. */
export function useQueue(userId: string): { items: QueuedReport[]; sent: number } {
  return useSyncExternalStore(subscribe, () => snapshot(userId));
}

export function queuedReports(userId: string): QueuedReport[] {
  return snapshot(userId).items;
}

function enqueue(userId: string, report: Omit<QueuedReport, 'attempts' | 'queuedAt'>): void {
  update(userId, (items) => [
    ...items.filter((item) => item.key !== report.key),
    { ...report, attempts: 0, queuedAt: new Date().toISOString() },
  ]);
}

/** Forgets a waiting report and its photos. */
export function discard(userId: string, key: string): void {
  const item = queuedReports(userId).find((i) => i.key === key);
  update(userId, (items) => items.filter((i) => i.key !== key));
  if (item) void deletePhotos(key, item.photos);
}

interface FileAnswer {
  ref: string;
}

/** One attempt: the photos uploaded (again: the same bytes give the same reference), then the report; 201 is the case. */
async function post(key: string, body: QueuedReport['body'], photos: Blob[]): Promise<CaseSummary> {
  const refs: string[] = [];
  for (const photo of photos) refs.push((await uploadFile<FileAnswer>('/api/files', photo, photo.type || 'image/jpeg')).ref);
  return api.post<CaseSummary>('/api/cases', refs.length ? { ...body, attachments: refs } : body, { 'Idempotency-Key': key });
}

type NewReport = Omit<QueuedReport, 'attempts' | 'queuedAt' | 'photos'>;

async function keep(userId: string, report: NewReport, photos: Blob[]): Promise<void> {
  let saved = photos.length;
  await savePhotos(report.key, photos).catch(() => {
    saved = 0; // storage refused: the report waits without its photos rather than not at all
  });
  enqueue(userId, { ...report, photos: saved });
}

/**
 * Sends a new report now; when the network is not there (or the server is down), it goes into the
 * queue with its key instead. A refusal (bad category, outside the district...) is thrown: the
 * worker is still on the form and can correct it.
 */
export async function sendOrQueue(userId: string, report: NewReport, photos: Blob[]): Promise<{ sent: CaseSummary } | { queued: true }> {
  if (navigator.onLine === false) {
    await keep(userId, report, photos);
    return { queued: true };
  }
  try {
    return { sent: await post(report.key, report.body, photos) };
  } catch (error) {
    if (!worthWaiting(error)) throw error;
    await keep(userId, report, photos);
    return { queued: true };
  }
}

/** No network, the server down, or the session lapsed (sign in again and it goes): not the report's fault. */
function worthWaiting(error: unknown): boolean {
  return isTransient(error) || (error instanceof ApiError && (error.code === 'auth.required' || error.code === 'auth.csrf'));
}

let flushing: Promise<number> | null = null;

/**
 * Sends what waits, oldest first, one at a time; stops at the first network failure (the rest would
 * fail alike). A report the server refuses stays, marked, for the worker to see and delete. Calls
 * while a flush runs share it. Resolves with the number delivered.
 */
export function flush(userId: string): Promise<number> {
  flushing ??= (async () => {
    let delivered = 0;
    try {
      for (const item of queuedReports(userId)) {
        if (item.refused) continue;
        try {
          await post(item.key, item.body, await loadPhotos(item.key, item.photos));
          discard(userId, item.key);
          delivered += 1;
          sentSinceLoad += 1;
          changed();
        } catch (error) {
          // Offline, server down, or signed out (the sign-in page comes up): the report waits for the next flush.
          const wait = worthWaiting(error);
          const refused = wait ? {} : { refused: error instanceof ApiError ? error.code : 'generic' };
          update(userId, (items) => items.map((i) => (i.key === item.key ? { ...i, attempts: i.attempts + 1, ...refused } : i)));
          if (wait) break;
        }
      }
    } finally {
      flushing = null;
    }
    return delivered;
  })();
  return flushing;
}

/** How often a phone with waiting reports tries again, in case the browser never says it is back online. */
const RETRY_MS = 30_000;

/** Sends the waiting reports now, whenever the browser comes back online, and every RETRY_MS while any wait. */
export function useQueueFlusher(userId: string): void {
  useEffect(() => {
    const run = () => {
      if (queuedReports(userId).every((item) => item.refused)) return;
      void flush(userId).then((delivered) => {
        if (delivered > 0) Toast.show({ icon: 'success', content: i18n.t('cases.mobile.queueSent', { count: delivered }) });
      });
    };
    run();
    window.addEventListener('online', run);
    const timer = setInterval(() => navigator.onLine && run(), RETRY_MS);
    return () => {
      window.removeEventListener('online', run);
      clearInterval(timer);
    };
  }, [userId]);
}

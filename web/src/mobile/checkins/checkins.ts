import { api, ApiError } from '../../shared/api.ts';
import { newIdempotencyKey } from '../../shared/cases.ts';
import type { CareAlert, Contact, Outcome, TodayItem } from '../../shared/checkins.ts';

/** The worker's side of the curtain pact (关爱 · 窗帘之约): ticks, alerts, and the family's numbers. */

/** Kept with the reveal in the audit trail (the server requires a reason). */
export const CONTACTS_REASON = '告警处置联系家属';

/**
 * Ticks people off (one, or a whole building: "all seen"). The phone may lose the answer: the same
 * Idempotency-Key goes with the one retry, so the server records the ticks once.
 */
export async function tick(target: { subjectIds: string[] } | { buildingIds: string[] }): Promise<void> {
  const key = newIdempotencyKey();
  const send = () => api.post('/api/checkins/ticks', target, { 'Idempotency-Key': key });
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    await send();
  }
}

export const acknowledge = (alert: CareAlert) => api.post<CareAlert>(`/api/checkins/alerts/${encodeURIComponent(alert.id)}/ack`);

export const recordOutcome = (alertId: string, outcome: Outcome, note: string | null) =>
  api.post<CareAlert>(`/api/checkins/alerts/${encodeURIComponent(alertId)}/outcome`, { outcome, note });

/** The emergency contacts in clear (workers may see these, audited with the reason); never stored. */
export async function revealContacts(subjectId: string): Promise<Contact[]> {
  const answer = await api.post<{ contacts?: Contact[] }>(`/api/checkins/subjects/${encodeURIComponent(subjectId)}/reveal`, {
    fields: ['contacts'],
    reason: CONTACTS_REASON,
  });
  return answer.contacts ?? [];
}

/** A stop on the worker's walk: a building with its people, or a household not placed in a building. */
export interface Stop {
  key: string;
  buildingId: string | null;
  label: string;
  lng: number | null;
  lat: number | null;
  items: TodayItem[];
}

/** The list (already in walking order) cut into stops, the order kept. */
export function stopsOf(items: TodayItem[]): Stop[] {
  const stops: Stop[] = [];
  const byKey = new Map<string, Stop>();
  for (const item of items) {
    const key = item.buildingId ? `b:${item.buildingId}` : `h:${item.householdId ?? item.subjectId}`;
    let stop = byKey.get(key);
    if (!stop) {
      stop = {
        key,
        buildingId: item.buildingId,
        label: item.buildingAddress ?? item.address,
        lng: item.lng,
        lat: item.lat,
        items: [],
      };
      byKey.set(key, stop);
      stops.push(stop);
    }
    stop.items.push(item);
  }
  return stops;
}

import { useEffect, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { CaseCatalogue, OrgLocation, OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

/** What the report page needs besides the queue: photos, the phone's position, and reads that survive a dropped signal. */

export interface Photo {
  /** What is uploaded: a JPEG re-encoded on the phone (smaller, and without the camera's EXIF data). */
  blob: Blob;
  /** A small JPEG preview (data: URL), kept with a queued report. */
  thumbnail: string;
}

const THUMBNAIL_PX = 160;
/** Long side of the uploaded photo: enough to see the problem, a few hundred KB on a phone's network. */
const PHOTO_PX = 1600;

function drawn(bitmap: ImageBitmap, longSide: number): HTMLCanvasElement {
  const scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/** A camera picture made ready to send, or null when the browser cannot read it (then it cannot be sent either). */
export async function toPhoto(file: File): Promise<Photo | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const blob = await new Promise<Blob | null>((resolve) => drawn(bitmap, PHOTO_PX).toBlob(resolve, 'image/jpeg', 0.8));
    const thumbnail = drawn(bitmap, THUMBNAIL_PX).toDataURL('image/jpeg', 0.7);
    bitmap.close();
    return blob ? { blob, thumbnail } : null;
  } catch {
    return null;
  }
}

export type Fix =
  | { status: 'locating' }
  | { status: 'located'; lng: number; lat: number; accuracy: number }
  | { status: 'failed'; reason: 'denied' | 'unavailable' | 'timeout' | 'unsupported' };

/**
 * The phone's position, asked once when the page opens (and again on `retry`). Browsers give
 * WGS-84 (the W3C Geolocation API), whatever map app the phone has: it is sent as `wgs84`.
 */
export function useGeolocation(): { fix: Fix; retry: () => void } {
  const [fix, setFix] = useState<Fix>({ status: 'locating' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    if (!('geolocation' in navigator)) {
      queueMicrotask(() => current && setFix({ status: 'failed', reason: 'unsupported' }));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) =>
        current &&
        setFix({ status: 'located', lng: position.coords.longitude, lat: position.coords.latitude, accuracy: position.coords.accuracy }),
      (error) =>
        current &&
        setFix({
          status: 'failed',
          reason: error.code === error.PERMISSION_DENIED ? 'denied' : error.code === error.TIMEOUT ? 'timeout' : 'unavailable',
        }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
    return () => {
      current = false;
    };
  }, [attempt]);
  return {
    fix,
    retry: () => {
      setFix({ status: 'locating' });
      setAttempt((a) => a + 1);
    },
  };
}

export type Placement =
  | { status: 'idle' | 'locating' }
  | { status: 'found'; location: OrgLocation }
  | { status: 'outside' }
  | { status: 'unknown'; error: unknown };

/** The micro-grid holding the point (`GET /api/org/locate`); offline it stays unknown and the server places the report when it arrives. */
export function usePlacement(fix: Fix): Placement {
  const point = fix.status === 'located' ? `lng=${fix.lng}&lat=${fix.lat}&crs=wgs84` : null;
  const [answer, setAnswer] = useState<{ point: string; placement: Placement } | null>(null);
  useEffect(() => {
    if (!point) return;
    let current = true;
    api.get<OrgLocation>(`/api/org/locate?${point}`).then(
      (location) => current && setAnswer({ point, placement: { status: 'found', location } }),
      (error: { status?: number }) =>
        current && setAnswer({ point, placement: error.status === 404 ? { status: 'outside' } : { status: 'unknown', error } }),
    );
    return () => {
      current = false;
    };
  }, [point]);
  if (!point) return { status: 'idle' };
  return answer?.point === point ? answer.placement : { status: 'locating' };
}

/**
 * A GET whose last good answer is kept on the phone, for a report begun where the signal is weak:
 * the catalogue and the worker's micro-grids (names and codes only, nothing personal).
 */
function useRemembered<T>(path: string, storageKey: string): { data?: T; error?: unknown } {
  const answer = useApi<T>(path);
  useEffect(() => {
    if (answer.data !== undefined) localStorage.setItem(storageKey, JSON.stringify(answer.data));
  }, [answer.data, storageKey]);
  if (answer.data !== undefined || answer.error === undefined) return answer;
  const saved = localStorage.getItem(storageKey);
  return saved ? { data: JSON.parse(saved) as T } : answer;
}

export function useReportCatalogue() {
  return useRemembered<CaseCatalogue>('/api/cases/catalogue', 'wangge.caseCatalogue');
}

export function useMyUnits(userId: string) {
  return useRemembered<{ roots: OrgNode[] }>('/api/org/tree', `wangge.orgTree.${userId}`);
}

const RECENT_KEY = 'wangge.recentCategories';

/** Leaf categories this phone reported lately, most recent first: the first taps of the next report. */
export function recentCategories(): string[] {
  try {
    return (JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as string[]).slice(0, 8);
  } catch {
    return [];
  }
}

export function rememberCategory(code: string): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify([code, ...recentCategories().filter((c) => c !== code)].slice(0, 8)));
}

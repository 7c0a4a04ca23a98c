/**
 * The photos of reports waiting on the phone, kept in IndexedDB (a few hundred KB each: too big for
 * localStorage, which holds the reports themselves). Keyed by the report's Idempotency-Key and the
 * photo's place in it. Where IndexedDB is unavailable (some private modes), photos live in memory
 * only, until the page is closed.
 */
const DB = 'wangge';
const STORE = 'reportPhotos';
const memory = new Map<string, Blob>();

let opening: Promise<IDBDatabase | null> | null = null;

function database(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opening;
}

function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

const keyOf = (reportKey: string, index: number) => `${reportKey}/${index}`;

export async function savePhotos(reportKey: string, photos: Blob[]): Promise<void> {
  const db = await database();
  if (!db) {
    photos.forEach((photo, i) => memory.set(keyOf(reportKey, i), photo));
    return;
  }
  const transaction = db.transaction(STORE, 'readwrite');
  photos.forEach((photo, i) => transaction.objectStore(STORE).put(photo, keyOf(reportKey, i)));
  await done(transaction);
}

/** The photos saved for a report, in order; one that has gone missing is left out. */
export async function loadPhotos(reportKey: string, count: number): Promise<Blob[]> {
  const keys = Array.from({ length: count }, (_, i) => keyOf(reportKey, i));
  const db = await database();
  if (!db) return keys.flatMap((key) => memory.get(key) ?? []);
  const transaction = db.transaction(STORE, 'readonly');
  const found = await Promise.all(
    keys.map(
      (key) =>
        new Promise<Blob | undefined>((resolve) => {
          const request = transaction.objectStore(STORE).get(key);
          request.onsuccess = () => resolve(request.result as Blob | undefined);
          request.onerror = () => resolve(undefined);
        }),
    ),
  );
  return found.filter((blob): blob is Blob => blob instanceof Blob);
}

export async function deletePhotos(reportKey: string, count: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) => keyOf(reportKey, i));
  keys.forEach((key) => memory.delete(key));
  const db = await database();
  if (!db) return;
  const transaction = db.transaction(STORE, 'readwrite');
  keys.forEach((key) => transaction.objectStore(STORE).delete(key));
  await done(transaction).catch(() => undefined);
}

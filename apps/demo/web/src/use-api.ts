import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

/** Loads `path` (again whenever `path` or `reloadKey` changes); `reload()` fetches it anew. */
export function useApi<T>(path: string | null, reloadKey: unknown = 0) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and reloadKey only trigger a reload
  useEffect(() => {
    if (path === null) return;
    let live = true;
    api<T>(path)
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      })
      .catch(
        (failure: unknown) =>
          live && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    return () => {
      live = false;
    };
  }, [path, tick, reloadKey]);
  return { data, error, reload };
}

/** A short "3 s ago" for a timestamp. */
export function ago(iso: string | undefined): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

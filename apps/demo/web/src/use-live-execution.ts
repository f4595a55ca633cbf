import { useCallback, useEffect, useRef, useState } from 'react';
import { api, followEvents } from './api.ts';
import { type ExecutionView, TERMINAL } from './types.ts';

/** How often the view re-reads the execution without a live stream, and with one (a safety net). */
const POLL_MS = 600;
const POLL_WITH_STREAM_MS = 5000;

/**
 * An execution kept current: re-read on every event of its SSE stream
 * (`/api/executions/:id/events`) and, while it is not finished, on a timer (often when the server
 * has no stream).
 */
export function useLiveExecution(executionId: string) {
  const [view, setView] = useState<ExecutionView>();
  const [error, setError] = useState<string>();
  const [streaming, setStreaming] = useState(false);
  const pending = useRef(false);

  const refresh = useCallback(async () => {
    if (pending.current) return;
    pending.current = true;
    try {
      setView(await api<ExecutionView>(`/api/executions/${executionId}`));
      setError(undefined);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      pending.current = false;
    }
  }, [executionId]);

  useEffect(() => {
    setView(undefined);
    void refresh();
    const abort = new AbortController();
    followEvents(`/api/executions/${executionId}/events`, () => void refresh(), abort.signal)
      .then((had) => setStreaming(had && !abort.signal.aborted))
      .catch(() => setStreaming(false));
    setStreaming(true);
    return () => abort.abort();
  }, [executionId, refresh]);

  const finished = view !== undefined && TERMINAL.includes(view.status);
  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => void refresh(), streaming ? POLL_WITH_STREAM_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [finished, streaming, refresh]);

  return { view, error, refresh };
}

import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, getToken, ok } from '../api/client';
import { readSse } from './sse';

const LIST_KEY = ['notifications'];

/** My latest notifications and the unread count (kept fresh by the live stream). */
export function useNotifications(enabled = true) {
  return useQuery({
    queryKey: LIST_KEY,
    queryFn: () => ok(api.GET('/api/notifications', { params: { query: { limit: 50 } } })),
    enabled,
    refetchInterval: 120_000, // a fallback when the stream cannot be held open (a proxy that buffers)
  });
}

export async function markRead(ids: number[] | null) {
  return ok(api.POST('/api/notifications/read', { body: { ids } }));
}

/**
 * Hold the live stream of my bell open while signed in: each `state` or `notification` event refreshes the list.
 * The stream ends after a few minutes (or on an error); it is opened again after a pause that grows on failures.
 */
export function useNotificationStream(active: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!active || typeof ReadableStream === 'undefined') return;
    const controller = new AbortController();
    let stopped = false;
    let failures = 0;
    const run = async () => {
      while (!stopped && getToken()) {
        try {
          const { response } = await api.GET('/api/notifications/stream', {
            params: { query: { seconds: 300 } }, parseAs: 'stream', signal: controller.signal,
          });
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          failures = 0;
          await readSse(response.body, () => { void client.invalidateQueries({ queryKey: LIST_KEY }); });
        } catch {
          failures += 1;
        }
        if (stopped) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, 1000 * 2 ** failures)));
      }
    };
    void run();
    return () => { stopped = true; controller.abort(); };
  }, [active, client]);
}

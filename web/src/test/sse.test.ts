import { describe, expect, it } from 'vitest';
import { parseSse, readSse } from '../lib/sse';

describe('Server-Sent Events read from a fetch body', () => {
  it('splits complete events, skips pings and keeps an unfinished one for later', () => {
    const { events, rest } = parseSse('event: state\ndata: {"unread":1}\n\n: ping\n\nevent: notification\ndata: {"id"');
    expect(events).toEqual([{ event: 'state', data: '{"unread":1}' }]);
    expect(rest).toBe('event: notification\ndata: {"id"');
  });

  it('reads events split across chunks, multi-byte characters included', async () => {
    const bytes = new TextEncoder().encode('event: notification\ndata: {"title":"新待办：登记建档"}\n\nevent: state\ndata: {}\n\n');
    const cut = 30; // inside a Chinese character
    const body = new ReadableStream<Uint8Array>({
      start(controller) { controller.enqueue(bytes.slice(0, cut)); controller.enqueue(bytes.slice(cut)); controller.close(); },
    });
    const seen: string[] = [];
    await readSse(body, (e) => seen.push(`${e.event}:${e.data}`));
    expect(seen).toEqual(['notification:{"title":"新待办：登记建档"}', 'state:{}']);
  });
});

import { api, ok } from '../api/client';

export type Platform = 'wecom' | 'dingtalk';
const KEY = 'yishi.platform-state';

/** Go to the platform's sign-in page; it comes back to /login/<platform> (sign in) or, linking, to the same page
 *  with the intent remembered here together with a random state the callback checks. */
export async function startPlatform(platform: Platform, intent: 'login' | 'link') {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const state = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  sessionStorage.setItem(KEY, JSON.stringify({ state, intent, platform }));
  const redirect = `${window.location.origin}/login/${platform}`;
  const { url } = await ok(api.GET('/api/auth/{platform}/authorize', {
    params: { path: { platform }, query: { redirect_uri: redirect, state } } }));
  window.location.assign(url);
}

/** What the callback page was opened for, when its state matches the one this tab sent (else null). */
export function takePending(platform: string, state: string | null): { intent: 'login' | 'link' } | null {
  const raw = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  if (!raw || !state) return null;
  const pending = JSON.parse(raw) as { state: string; intent: 'login' | 'link'; platform: string };
  return pending.state === state && pending.platform === platform ? { intent: pending.intent } : null;
}

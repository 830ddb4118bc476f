// Per-user preferences kept on this device: language and elder mode (适老化).
export interface Prefs {
  language: 'zh-CN' | 'en';
  elder: boolean;
}

const DEFAULTS: Prefs = { language: 'zh-CN', elder: false };
const key = (user: string | null) => `yishi.prefs.${user ?? '_'}`;

export function loadPrefs(user: string | null): Prefs {
  try {
    const stored = JSON.parse(localStorage.getItem(key(user)) || '{}') as Partial<Prefs>;
    return { ...DEFAULTS, ...stored };
  } catch {
    return { ...DEFAULTS };
  }
}

export function savePrefs(user: string | null, prefs: Prefs): void {
  localStorage.setItem(key(user), JSON.stringify(prefs));
  localStorage.setItem(key(null), JSON.stringify(prefs)); // the login page starts with the last choice
}

// Pure helpers of the studio (no bpmn-js): the bilingual instructions and a uiSchema in one language.

/** "[zh-CN]\n…\n[en]\n…" — the participant instructions in both languages (engine/definitions/instructions.py). */
export function splitInstructions(text: string): { zh: string; en: string } {
  const match = /^\s*\[zh-CN\]\n?([\s\S]*?)(?:\n?\[en\]\n?([\s\S]*))?$/.exec(text);
  if (!match) return { zh: text, en: '' };
  return { zh: (match[1] ?? '').trim(), en: (match[2] ?? '').trim() };
}

export function joinInstructions(zh: string, en: string): string {
  return `[zh-CN]\n${zh.trim()}\n[en]\n${en.trim()}`;
}

/** A uiSchema's texts in one language: `{"zh-CN": …, "en": …}` becomes the text (the server does the same for
 * participants, engine/definitions/forms.py `localize_ui`). */
export function localizeUi(value: unknown, language: string): unknown {
  if (Array.isArray(value)) return value.map((v) => localizeUi(v, language));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length && entries.every(([k]) => k === 'zh-CN' || k === 'en')) {
    const map = value as Record<string, unknown>;
    return (language === 'en' ? map.en : undefined) ?? map['zh-CN'] ?? map.en;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, localizeUi(v, language)]));
}

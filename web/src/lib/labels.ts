// Process and form labels are written bilingually ("议题 Title"); show the part of the user's language.
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

export function splitBilingual(label: string): { zh: string; en: string } | null {
  if (!HAN.test(label)) return null;
  // the Chinese part ends before the first Latin word that follows the last Han character run
  const match = label.match(/^(.*[\u3400-\u9fff\uf900-\ufaff）)」』】][^A-Za-z]*?)\s+([A-Za-z].*)$/);
  if (!match) return null;
  return { zh: match[1].trim(), en: match[2].trim() };
}

export function localize(label: string | null | undefined, language: string): string {
  if (!label) return '';
  const parts = splitBilingual(label);
  if (!parts) return label;
  return language.startsWith('en') ? parts.en : parts.zh;
}

/** A sentence the server already worded in the user's language that quotes a bilingual label (「分类处理 Triage」已到期). */
export function localizeQuoted(text: string | null | undefined, language: string): string {
  if (!text) return '';
  return text.replace(/([「'])([^」']+)([」'])/g, (_, open: string, inner: string, close: string) => `${open}${localize(inner, language)}${close}`);
}

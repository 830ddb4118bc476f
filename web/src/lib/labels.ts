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

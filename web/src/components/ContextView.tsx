// Read-only values as labelled rows: what a step needs, what was submitted or computed. The server titles each
// field and labels its coded values in the user's language (`[{name, title, value}]`); nested values stay readable.
import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { localize } from '../lib/labels';
import { formatInstant } from '../lib/time';

/** One value as the API serves it: the field's name, its title and its value (codes already labelled). */
export interface Field {
  name: string;
  title: string;
  value: unknown;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The title of a name the server has no title for (it then answers the name itself): the app's own word, if any. */
export function fieldTitle(name: string, title: string | undefined, t: TFunction): string {
  return title && title !== name ? title : t(`field.${name}`, { defaultValue: name });
}

/**
 * A value as text. `labelled`: the server already put it in the user's language (strings are shown as they are);
 * otherwise a bilingual label ("议事厅 Deliberation hall") shows its part of the user's language.
 */
export function formatValue(value: unknown, t: TFunction, language: string, labelled = false): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string') return INSTANT.test(value) ? formatInstant(value) : labelled ? value : localize(value, language);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v, t, language, labelled)).join(language === 'en' ? ', ' : '、');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${fieldTitle(k, undefined, t)}${language === 'en' ? ': ' : '：'}${formatValue(v, t, language, labelled)}`)
      .join(language === 'en' ? '; ' : '；');
  }
  return String(value);
}

export function FieldsView({ fields }: { fields: Field[] }) {
  const { t, i18n } = useTranslation();
  return (
    <Descriptions size="small" column={1} bordered className="context-view"
      items={fields.map((field) => ({
        key: field.name,
        label: fieldTitle(field.name, field.title, t),
        children: formatValue(field.value, t, i18n.language, true),
      }))}
    />
  );
}

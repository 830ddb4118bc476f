// Read-only data a step needs (or an event carried), as labelled rows; nested values stay readable.
import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { localize } from '../lib/labels';
import { formatInstant } from '../lib/time';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function formatValue(value: unknown, t: (key: string, options?: { defaultValue: string }) => string, language: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string') return INSTANT.test(value) ? formatInstant(value) : localize(value, language);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v, t, language)).join('、');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${t(`field.${k}`, { defaultValue: k })}：${formatValue(v, t, language)}`).join('；');
  }
  return String(value);
}

export function ContextView({ context, labels }: { context: Record<string, unknown>; labels?: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const entries = Object.entries(context);
  return (
    <Descriptions size="small" column={1} bordered className="context-view"
      items={entries.map(([key, value]) => {
        const item = (value && typeof value === 'object' && !Array.isArray(value) && 'label' in (value as object))
          ? (value as { label: string; value: unknown }) : null;
        return {
          key,
          label: item ? localize(item.label, i18n.language) : localize(labels?.[key] ?? t(`field.${key}`, { defaultValue: key }), i18n.language),
          children: formatValue(item ? item.value : value, t, i18n.language),
        };
      })}
    />
  );
}

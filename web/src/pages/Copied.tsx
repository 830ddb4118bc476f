import '../i18n/actions';
import { Link } from 'react-router-dom';
import { Alert, Empty, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { MethodName, StatusTag, useUnitName } from '../components/bits';
import { Summary } from '../components/Summary';
import { ViewTabs, useViewFilters } from '../components/ViewTabs';
import { formatInstant } from '../lib/time';

// 抄送我的: cases copied to me for my information, newest first; unread ones stand out.
export default function CopiedPage() {
  const { t } = useTranslation();
  const unitName = useUnitName();
  const [filters] = useViewFilters();
  const copies = useQuery({
    queryKey: ['views', 'copied', filters],
    queryFn: () => ok(api.GET('/api/views/copied', { params: { query: { ...filters, limit: 200 } } })),
  });
  const items = copies.data?.items ?? [];
  return (
    <div className="page">
      <h2>{t('views.copiedTitle')}</h2>
      <ViewTabs />
      {copies.error && <Alert type="error" showIcon message={t('error.load')} />}
      {copies.isLoading && <Skeleton active />}
      {copies.data && items.length === 0 && <Empty description={t('views.copiedEmpty')} />}
      <ul className="case-list" aria-label={t('views.copiedTitle')}>
        {items.map((item) => (
          <li key={item.id} className={item.read_at ? 'case-card' : 'case-card unread'}>
            <div className="case-card-head">
              <Link to={`/case/${encodeURIComponent(item.reference)}`} className="case-card-title">{item.title}</Link>
              {!item.read_at && <Tag color="red">{t('views.unread')}</Tag>}
              <StatusTag status={item.status} />
            </div>
            <Summary lines={item.summary} />
            <div className="muted">{item.reference} · <MethodName code={item.definition_key} /> · {unitName(item.unit)}</div>
            <div className="muted">
              {t('views.copiedBy', { who: item.copied_by === 'system' ? t('views.byStep') : item.copied_by, when: formatInstant(item.copied_at) })}
            </div>
            {item.note && <p className="copy-note">“{item.note}”</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

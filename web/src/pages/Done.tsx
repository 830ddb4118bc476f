import { Link } from 'react-router-dom';
import { Alert, Empty, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { FieldsView } from '../components/ContextView';
import { MethodName, useLocalize, useRoleName, useUnitName } from '../components/bits';
import { formatInstant } from '../lib/time';
import { Summary } from '../components/Summary';
import { ViewTabs, useViewFilters } from '../components/ViewTabs';

// 已办: the steps I completed, newest first, each with what I submitted.
export default function DonePage() {
  const { t } = useTranslation();
  const localize = useLocalize();
  const roleName = useRoleName();
  const unitName = useUnitName();
  const [filters] = useViewFilters();
  const done = useQuery({
    queryKey: ['tasks', 'done', filters],
    queryFn: () => ok(api.GET('/api/tasks/done', { params: { query: { ...filters, limit: 100 } } })),
  });
  const items = done.data?.items ?? [];
  return (
    <div className="page">
      <h2>{t('done.title')}</h2>
      <ViewTabs />
      {done.error && <Alert type="error" showIcon message={t('error.load')} />}
      {done.isLoading && <Skeleton active />}
      {done.data && items.length === 0 && <Empty description={t('done.empty')} />}
      <ul className="case-list" aria-label={t('done.title')}>
        {items.map((item) => {
          const fields = item.fields ?? [];
          return (
            <li key={item.task_id} className="case-card">
              <div className="case-card-head">
                <strong className="task-step">{localize(item.name)}</strong>
                <span className="muted">{t('done.at', { when: formatInstant(item.completed_at) })}</span>
              </div>
              <div>
                <Link to={`/case/${encodeURIComponent(item.reference)}`}>{item.title}</Link>
                <span className="muted"> · {item.reference} · <MethodName code={item.definition_key} /></span>
              </div>
              <Summary lines={item.summary} />
              <div className="muted">{roleName(item.role)} · {unitName(item.unit)}</div>
              {fields.length > 0 && (
                <details className="done-data">
                  <summary>{t('done.submitted', { count: fields.length })}</summary>
                  <FieldsView fields={fields} />
                </details>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

import { Link } from 'react-router-dom';
import { Alert, Empty, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { api, ok } from '../api/client';
import type { CaseItem } from '../api/types';
import { MethodName, ProgressLine, StatusTag, useLocalize, useRoleName, useUnitName } from '../components/bits';
import { formatInstant } from '../lib/time';
import { Summary } from '../components/Summary';
import { ViewTabs, useViewFilters } from '../components/ViewTabs';

type Scope = 'started' | 'involved';

function CaseRow({ item }: { item: CaseItem }) {
  const { t } = useTranslation();
  const localize = useLocalize();
  const roleName = useRoleName();
  const unitName = useUnitName();
  const steps = item.open_steps ?? [];
  return (
    <li className="case-card">
      <div className="case-card-head">
        <Link to={`/case/${encodeURIComponent(item.reference)}`} className="case-card-title">{item.title}</Link>
        <StatusTag status={item.status} />
      </div>
      <div className="muted">
        {item.reference} · <MethodName code={item.definition_key} /> · {unitName(item.unit)} · {t('mine.startedAt', { when: formatInstant(item.created_at, false), user: item.started_by })}
      </div>
      <Summary lines={item.summary} />
      <ProgressLine method={item.definition_key} steps={steps} status={item.status} since={item.last_progress_at} compact />
      {steps.length > 0 && (
        <p className="open-steps">
          {steps.map((step) => `${localize(step.name)}（${roleName(step.role)}）`).join('、')}
        </p>
      )}
    </li>
  );
}

export default function MinePage() {
  const { t } = useTranslation();
  const [scope, setScope] = useState<Scope>('started');
  const [filters] = useViewFilters();
  const cases = useQuery({
    queryKey: ['cases', { mine: scope, ...filters }],
    queryFn: () => ok(api.GET('/api/cases', { params: { query: { mine: scope, limit: 200, unit: filters.unit,
      process: filters.method, q: filters.q } } })),
  });
  const items = cases.data?.items ?? [];
  return (
    <div className="page">
      <h2>{t('mine.title')}</h2>
      <ViewTabs />
      <div className="scope-switch" role="group" aria-label={t('mine.title')}>
        {(['started', 'involved'] as const).map((value) => (
          <button key={value} type="button" className={value === scope ? 'scope-option active' : 'scope-option'}
            aria-pressed={value === scope} onClick={() => setScope(value)}>
            {t(`mine.${value}`)}
          </button>
        ))}
      </div>
      {cases.error && <Alert type="error" showIcon message={t('error.load')} />}
      {cases.isLoading && <Skeleton active />}
      {cases.data && items.length === 0 && <Empty description={t('mine.empty')} />}
      <ul className="case-list">
        {items.map((item) => <CaseRow key={item.id} item={item} />)}
      </ul>
    </div>
  );
}

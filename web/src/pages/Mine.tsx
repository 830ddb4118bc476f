import { Link } from 'react-router-dom';
import { Alert, Empty, Segmented, Skeleton, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { api, ok } from '../api/client';
import type { CaseItem } from '../api/types';
import { useSession } from '../session';
import { useCase } from '../lib/queries';
import { MethodName, ProgressLine, StatusTag } from '../components/bits';
import { formatInstant } from '../lib/time';

function CaseRow({ item }: { item: CaseItem }) {
  const { t } = useTranslation();
  const detail = useCase(item.reference);
  const steps = detail.data?.open_tasks ?? [];
  const since = steps.length ? steps.map((s) => s.created_at).sort().at(-1) : item.last_progress_at;
  return (
    <li className="case-card">
      <div className="case-card-head">
        <Link to={`/case/${encodeURIComponent(item.reference)}`} className="case-card-title">{item.title}</Link>
        <StatusTag status={item.status} />
      </div>
      <div className="muted">{item.reference} · <MethodName code={item.definition_key} /> · {item.unit} · {t('mine.started', { when: formatInstant(item.created_at, false) })}</div>
      <ProgressLine method={item.definition_key} steps={steps} status={item.status} since={since} compact />
    </li>
  );
}

export default function MinePage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const cases = useQuery({
    queryKey: ['cases'],
    queryFn: () => ok(api.GET('/api/cases', { params: { query: { limit: 200 } } })),
  });
  const items = (cases.data?.items ?? []).filter((c) => scope === 'all' || !('started_by' in c) || c.started_by === me?.user);
  return (
    <div className="page">
      <Typography.Title level={2}>{t('mine.title')}</Typography.Title>
      <Segmented value={scope} onChange={(v) => setScope(v as 'mine' | 'all')} className="scope-switch"
        options={[{ value: 'mine', label: t('mine.started_by_me') }, { value: 'all', label: t('mine.all') }]} />
      {cases.error && <Alert type="error" showIcon message={t('error.load')} />}
      {cases.isLoading && <Skeleton active />}
      {cases.data && items.length === 0 && <Empty description={t('mine.empty')} />}
      <ul className="case-list">
        {items.map((item) => <CaseRow key={item.id} item={item} />)}
      </ul>
    </div>
  );
}

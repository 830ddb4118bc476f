import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Empty, Skeleton } from 'antd';
import { NativeSelect } from '../components/NativeSelect';
import { RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { useDefinitions, useInbox } from '../lib/queries';
import { DueBadge, useLocalize, useRoleName, useUnitName } from '../components/bits';
import { formatInstant } from '../lib/time';

export function InboxPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const roleName = useRoleName();
  const localize = useLocalize();
  const unitName = useUnitName();
  const [params, setParams] = useSearchParams();
  const filters = {
    unit: params.get('unit') || undefined,
    process: params.get('process') || undefined,
    role: params.get('role') || undefined,
  };
  const { data, isLoading, error } = useInbox(filters);
  const definitions = useDefinitions();

  const units = useMemo(() => [...new Set((me?.memberships ?? []).map((m) => m.unit))], [me]);
  const roles = useMemo(() => [...new Set((me?.memberships ?? []).map((m) => m.role))], [me]);
  const methods = (definitions.data ?? []).filter((d) => d.start_roles.length > 0);

  const setFilter = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <div className="page-head">
        <h2>{t('inbox.title')}</h2>
        <Link to="/done" className="head-link">{t('nav.done')} →</Link>
      </div>
      <div className="filters" role="group" aria-label={t('inbox.filters')}>
        <NativeSelect label={t('inbox.unit')} value={filters.unit} onChange={(v) => setFilter('unit', v)}
          empty={t('inbox.allUnits')} options={units.map((u) => ({ value: u, label: unitName(u) }))} />
        <NativeSelect label={t('inbox.method')} value={filters.process} onChange={(v) => setFilter('process', v)}
          empty={t('inbox.allMethods')} options={methods.map((d) => ({ value: d.key, label: t(`method.${d.key}`, { defaultValue: d.key }) }))} />
        <NativeSelect label={t('inbox.role')} value={filters.role} onChange={(v) => setFilter('role', v)}
          empty={t('inbox.allRoles')} options={roles.map((r) => ({ value: r, label: roleName(r) }))} />
      </div>
      {error && <Alert type="error" showIcon message={t('error.load')} />}
      {isLoading && <Skeleton active />}
      {data && data.items.length === 0 && <Empty description={t('inbox.empty')} />}
      <ul className="task-list" aria-label={t('inbox.title')}>
        {data?.items.map((task) => (
          <li key={task.task_id}>
            <Link to={`/task/${task.task_id}`} className="task-card">
              <div className="task-card-main">
                <div className="task-step">{localize(task.name)}</div>
                <div className="task-case">{task.title} <span className="muted">· {task.reference}</span></div>
                <div className="task-meta">
                  <DueBadge dueAt={task.due_at} />
                  <span>{roleName(task.role)}</span>
                  <span className="muted">{unitName(task.unit)}</span>
                  {task.claimed_by && <span className="muted">{t('task.claimedBy', { user: task.claimed_by })}</span>}
                  <span className="muted">{t('inbox.since', { when: formatInstant(task.created_at) })}</span>
                </div>
              </div>
              <RightOutlined aria-hidden className="task-card-arrow" />
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

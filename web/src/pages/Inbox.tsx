import { lazy, Suspense } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Empty, Skeleton } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useInbox } from '../lib/queries';
import { DueBadge, useLocalize, useRoleName, useUnitName } from '../components/bits';

// the views' tabs and the requests to me load beside the list (the entry chunk stays within the participant budget)
const InboxExtras = lazy(() => import('../components/InboxExtras'));
import { formatInstant } from '../lib/time';

export function InboxPage() {
  const { t } = useTranslation();
  const roleName = useRoleName();
  const localize = useLocalize();
  const unitName = useUnitName();
  const [params] = useSearchParams(); // the views' filters (method, unit, q: src/lib/viewFilters.ts)
  const { data, isLoading, error } = useInbox(Object.fromEntries(params));

  return (
    <div className="page">
      <h2>{t('inbox.title')}</h2>
      <Suspense fallback={null}><InboxExtras /></Suspense>
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
                {task.summary.length > 0 && <div className="summary-lines">{task.summary.map((l) => `${l.title}：${l.value}`).join('　')}</div>}
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

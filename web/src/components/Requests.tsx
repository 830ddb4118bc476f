import '../i18n/actions';
import { Link } from 'react-router-dom';
import { Tag } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { useViewFilters } from '../lib/viewFilters';
import { Summary } from './Summary';

/** What holders of steps asked of me (委派, 加签): answered on the case page. */
export default function Requests() {
  const { t } = useTranslation();
  const [filters] = useViewFilters();
  const requests = useQuery({
    queryKey: ['views', 'requests', filters],
    queryFn: () => ok(api.GET('/api/views/requests', { params: { query: filters } })),
  });
  const items = requests.data ?? [];
  if (items.length === 0) return null;
  return (
    <section className="requests" aria-label={t('requests.title')}>
      <h3>{t('requests.title')}</h3>
      <ul className="task-list">
        {items.map((r) => (
          <li key={r.id}>
            <Link to={`/case/${encodeURIComponent(r.reference)}#requests`} className="task-card">
              <div className="task-card-main">
                <div className="task-step"><Tag color="blue">{t(`requests.kind.${r.kind}`)}</Tag>{r.name}</div>
                <div className="task-case">{r.title} <span className="muted">· {r.reference}</span></div>
                <Summary lines={r.summary} />
                <div className="task-meta"><span>{t('requests.from', { user: r.from_user })}</span><span className="muted">“{r.note}”</span></div>
              </div>
              <RightOutlined aria-hidden className="task-card-arrow" />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}


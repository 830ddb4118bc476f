import { useNavigate } from 'react-router-dom';
import { Alert, Button, Empty, Skeleton } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { markRead, useNotifications } from '../lib/notifications';
import { formatInstant } from '../lib/time';

// 消息: what I was told — steps waiting for my role, reminders, my proposals moving on — newest first.
export default function NotificationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useNotifications();
  const items = list.data?.items ?? [];
  const refresh = () => client.invalidateQueries({ queryKey: ['notifications'] });

  const open = async (id: number, path: string | null | undefined, unread: boolean) => {
    if (unread) { await markRead([id]); await refresh(); }
    if (path) navigate(path);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h2>{t('notify.title')}</h2>
        {(list.data?.unread ?? 0) > 0 && (
          <Button onClick={async () => { await markRead(null); await refresh(); }}>{t('notify.readAll')}</Button>
        )}
      </div>
      {list.error && <Alert type="error" showIcon message={t('error.load')} />}
      {list.isLoading && <Skeleton active />}
      {list.data && items.length === 0 && <Empty description={t('notify.empty')} />}
      <ul className="case-list notify-list" aria-label={t('notify.title')}>
        {items.map((item) => (
          <li key={item.id} className={`case-card notify-item${item.read_at ? '' : ' unread'}`}>
            <button type="button" className="notify-open" onClick={() => void open(item.id, item.path, !item.read_at)}>
              <span className="case-card-head">
                <strong>{!item.read_at && <span className="unread-dot" aria-label={t('notify.unread')} />}{item.title}</strong>
                <span className="muted">{formatInstant(item.created_at)}</span>
              </span>
              {item.lines.map((line, index) => <span key={index} className="notify-line">{line}</span>)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

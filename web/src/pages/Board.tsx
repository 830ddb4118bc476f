import { Link, useParams } from 'react-router-dom';
import { Alert, Empty, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, ok } from '../api/client';
import { Markdown } from '../lib/markdown';
import { formatInstant } from '../lib/time';
import { Outcome } from '../components/bits';
import { useSession } from '../session';

// 公示栏: a unit's running publications and recent outcomes, for residents, without logging in.
export default function BoardPage() {
  const { unit = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { prefs, setPrefs } = useSession();
  const board = useQuery({
    queryKey: ['board', unit],
    queryFn: () => ok(api.GET('/api/public/units/{unit}/board', { params: { path: { unit } } })),
    refetchInterval: 300_000,
  });
  const notFound = board.error instanceof ApiError && board.error.status === 404;
  return (
    <div className="board-shell">
      <header className="board-top">
        <span className="brand"><span className="brand-mark" aria-hidden>议</span> <span className="brand-name">{t('app.name')}</span></span>
        <span className="board-tools">
          <button type="button" className="link-button" onClick={() => setPrefs({ elder: !prefs.elder })} aria-pressed={prefs.elder}>
            {t('settings.elder')}
          </button>
          <button type="button" className="link-button" onClick={() => setPrefs({ language: i18n.language === 'en' ? 'zh-CN' : 'en' })}
            aria-label={t('settings.switchLanguage')} lang={i18n.language === 'en' ? 'zh-CN' : 'en'}>
            {i18n.language === 'en' ? '中文' : 'English'}
          </button>
        </span>
      </header>
      <main className="page board-page" id="main">
        <h1 className="board-title">{t('board.title', { unit: board.data?.name ?? unit })}</h1>
        <p className="muted">{t('board.intro')}</p>
        {board.isLoading && <Skeleton active />}
        {notFound && <Outcome status="warning" title={t('board.notFound', { unit })} />}
        {board.error && !notFound && <Alert type="error" showIcon message={t('error.load')} />}
        {board.data && (
          <>
            <section aria-labelledby="board-running">
              <h2 id="board-running">{t('board.running')}</h2>
              {board.data.publications.length === 0 && <Empty description={t('board.noneRunning')} />}
              <ul className="case-list">
                {board.data.publications.map((p) => (
                  <li key={`${p.reference}-${p.kind ?? ''}`} className="case-card publication">
                    <div className="case-card-head">
                      <strong className="case-card-title">{p.title}</strong>
                      {p.kind_name && <span className="pub-kind">{p.kind_name}</span>}
                    </div>
                    <div className="pub-window">
                      {p.started_at && <span>{t('board.since', { when: formatInstant(p.started_at) })}</span>}
                      <strong>{t('board.until', { when: formatInstant(p.ends_at) })}</strong>
                    </div>
                    {p.content && <div className="pub-content"><Markdown>{p.content}</Markdown></div>}
                    <div className="muted">{t('board.reference', { reference: p.reference })}</div>
                  </li>
                ))}
              </ul>
              {board.data.publications.length > 0 && <p className="muted">{t('board.objection')}</p>}
            </section>
            <section aria-labelledby="board-outcomes">
              <h2 id="board-outcomes">{t('board.outcomes')}</h2>
              {board.data.outcomes.length === 0 && <Empty description={t('board.noOutcomes')} />}
              <ul className="case-list">
                {board.data.outcomes.map((o) => (
                  <li key={o.reference} className="case-card">
                    <div className="case-card-head">
                      <strong className="case-card-title">{o.title}</strong>
                      {o.end_event_name && <span className="pub-kind">{o.end_event_name}</span>}
                    </div>
                    <div className="muted">{o.reference} · {t('board.completed', { when: formatInstant(o.completed_at) })}</div>
                  </li>
                ))}
              </ul>
            </section>
          </>
        )}
        <p><Link to="/login">{t('board.staffLogin')}</Link></p>
      </main>
    </div>
  );
}

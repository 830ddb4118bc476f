import { lazy, Suspense, useEffect, useState } from 'react';
import { Button, Descriptions, Spin, Switch } from 'antd';
import { Section } from '../components/Section';
import { Link, Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { useRoleName } from '../components/bits';
import { NotificationSettings } from '../components/NotificationSettings';
import { PlatformLinks } from '../components/PlatformLinks';

// 请假代理 and 常用语管理 are reached from here (我的 → 设置, as in DingTalk and WeCom) and load on their own: routed
// below /settings, and their texts fetched from here, so the entry chunk the participant budget counts (its list of
// chunks to preload included) does not grow with them
const AbsencePage = lazy(() => import('./Absence'));
const PhrasesPage = lazy(() => import('./Phrases'));

export default function SettingsRoutes() {
  const { me } = useSession();
  const wait = <Spin />;
  return (
    <Routes>
      <Route index element={<SettingsPage />} />
      <Route path="absence" element={<Suspense fallback={wait}><AbsencePage /></Suspense>} />
      <Route path="phrases" element={me?.is_admin || me?.is_unit_admin
        ? <Suspense fallback={wait}><PhrasesPage /></Suspense> : <Navigate to="/settings" replace />} />
      <Route path="*" element={<Navigate to="/settings" replace />} />
    </Routes>
  );
}

/** Whether the texts of absences, hand-over and stock phrases are loaded (they are fetched on first use). */
export function useHandoverTexts(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => { void import('../i18n/handover').then(() => setReady(true)); }, []);
  return ready;
}

function SettingsPage() {
  const { t, i18n } = useTranslation();
  const texts = useHandoverTexts();
  const { me, prefs, setPrefs, logout } = useSession();
  const roleName = useRoleName();
  const navigate = useNavigate();
  const units = [...new Map((me?.memberships ?? []).map((m) => [m.unit, m.unit_name || m.unit] as const)).entries()];
  return (
    <div className="page">
      <h2>{t('settings.title')}</h2>
      <Section title={t('settings.me')}>
        <Descriptions size="small" column={1} items={[
          { key: 'user', label: t('settings.user'), children: me?.user },
          ...(me?.is_admin ? [{ key: 'admin', label: t('settings.admin'), children: t('common.yes') }] : []),
          { key: 'memberships', label: t('settings.memberships'), children: (
            <ul className="plain-list">
              {(me?.memberships ?? []).map((m) => <li key={`${m.unit}/${m.role}`}>{m.unit_name || m.unit} · <strong>{m.role_name || roleName(m.role)}</strong></li>)}
              {(me?.memberships ?? []).length === 0 && <li>—</li>}
            </ul>
          ) },
        ]} />
        {units.length > 0 && (
          <p className="board-links">{t('settings.boards')}{' '}
            {units.map(([code, name]) => <Link key={code} to={`/board/${encodeURIComponent(code)}`} className="board-link">{name}</Link>)}
          </p>
        )}
      </Section>
      <p className="settings-links">
        {texts && (me?.memberships ?? []).length > 0 && <Link to="/settings/absence" className="board-link">{t('absence.link')}</Link>}
        {texts && (me?.is_admin || me?.is_unit_admin) && <Link to="/settings/phrases" className="board-link">{t('phrasesEditor.link')}</Link>}
        <Link to="/password" className="board-link">{t('settings.password')}</Link>
      </p>
      <Section title={t('settings.display')}>
        <div className="setting-row">
          <span id="lang-label">{t('settings.language')}</span>
          <div className="lang-choice" role="group" aria-labelledby="lang-label">
            {([['zh-CN', '中文'], ['en', 'English']] as const).map(([language, label]) => (
              <Button key={language} lang={language} type={(i18n.language === 'en' ? 'en' : 'zh-CN') === language ? 'primary' : 'default'}
                aria-pressed={(i18n.language === 'en' ? 'en' : 'zh-CN') === language} onClick={() => setPrefs({ language })}>{label}</Button>
            ))}
          </div>
        </div>
        <div className="setting-row">
          <span id="elder-label">{t('settings.elder')}</span>
          <Switch aria-labelledby="elder-label" checked={prefs.elder} onChange={(elder) => setPrefs({ elder })} />
        </div>
        <p className="muted">{t('settings.elderHelp')}</p>
      </Section>
      <Section title={t('notify.settings')}>
        <NotificationSettings />
        <PlatformLinks />
        {me?.is_admin && <p><Link to="/console/deliveries">{t('deliveries.title')}</Link></p>}
      </Section>
      <Button danger block size="large" onClick={async () => { await logout(); navigate('/login', { state: { loggedOut: true } }); }}>
        {t('nav.logout')}
      </Button>
    </div>
  );
}

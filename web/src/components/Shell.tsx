import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { Button, Switch } from 'antd';
import { BellOutlined, CheckSquareOutlined, FileDoneOutlined, FolderOpenOutlined, LogoutOutlined, PlusCircleOutlined,
  SettingOutlined, AlertOutlined, BarChartOutlined, TeamOutlined, UserOutlined, HomeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { useInbox } from '../lib/queries';
import { useNotifications, useNotificationStream } from '../lib/notifications';

/** The bell: my unread notifications, kept live by the stream; it opens the notifications page. */
function Bell() {
  const { t } = useTranslation();
  const { data } = useNotifications();
  const unread = data?.unread ?? 0;
  return (
    <Link to="/notifications" className="bell-link" aria-label={t('notify.bell', { count: unread })} data-unread={unread}>
      <BellOutlined aria-hidden />
      {unread > 0 && <span className="count-pill bell-count" aria-hidden>{unread > 99 ? '99+' : unread}</span>}
    </Link>
  );
}

function TaskCount() {
  const { data } = useInbox();
  const count = data?.items.length ?? 0;
  return count > 0 ? <span className="nav-count" aria-hidden>{count > 99 ? '99+' : count}</span> : null;
}

export function Shell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { me, logout, prefs, setPrefs } = useSession();
  const navigate = useNavigate();
  const { data } = useInbox();
  const count = data?.items.length ?? 0;
  useNotificationStream(!!me);

  const links = [
    { to: '/inbox', icon: <CheckSquareOutlined />, label: t('nav.inbox'), badge: true },
    { to: '/done', icon: <FileDoneOutlined />, label: t('nav.done') },
    { to: '/start', icon: <PlusCircleOutlined />, label: t('nav.start') },
    { to: '/mine', icon: <FolderOpenOutlined />, label: t('nav.mine') },
    ...(me?.memberships.length ? [{ to: '/home', icon: <HomeOutlined />, label: t('nav.home') }] : []),
    ...(me?.is_admin || me?.memberships.length ? [{ to: '/stats', icon: <BarChartOutlined />, label: t('nav.statistics') }] : []),
    ...(me?.is_admin ? [{ to: '/console/stuck', icon: <AlertOutlined />, label: t('nav.stuck') }] : []),
    ...(me?.is_admin || me?.is_unit_admin ? [{ to: '/console/people', icon: <TeamOutlined />, label: t('nav.people') }] : []),
    ...(me?.is_admin || me?.is_designer ? [{ to: '/studio', icon: <span className="nav-glyph" aria-hidden>图</span>, label: t('nav.studio') }] : []),
  ];

  const onLogout = async () => {
    await logout();
    navigate('/login', { replace: true, state: { loggedOut: true } });
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('nav.skip')}</a>
      <header className="topbar">
        <Link to="/inbox" className="brand" aria-label={t('app.name')}>
          <span className="brand-mark" aria-hidden>议</span>
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        <nav className="topnav" aria-label={t('nav.main')}>
          {links.map((link) => (
            <NavLink key={link.to} to={link.to} className="topnav-link">
              {link.icon}
              <span>{link.label}</span>
              {link.badge && count > 0 && <span className="count-pill" aria-label={t('nav.count', { count })}>{count}</span>}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <Bell />
          <label className="elder-toggle">
            <span className="elder-label">{t('settings.elder')}</span>
            <span className="elder-label-short" aria-hidden>{t('settings.elderShort')}</span>
            <Switch size="small" checked={prefs.elder} onChange={(elder) => setPrefs({ elder })} aria-label={t('settings.elder')} />
          </label>
          <Button
            type="text"
            className="lang-switch"
            onClick={() => setPrefs({ language: i18n.language === 'en' ? 'zh-CN' : 'en' })}
            aria-label={t('settings.switchLanguage')}
          >
            {i18n.language === 'en' ? '中文' : 'EN'}
          </Button>
          <Link to="/settings" className="account-link" aria-label={t('nav.account')}>
            <UserOutlined aria-hidden /> <span className="account-name">{me?.user}</span>
          </Link>
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void onLogout()} className="logout-button">
            <span className="logout-label">{t('nav.logout')}</span>
          </Button>
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>{children}</main>
      <nav className="tabbar" aria-label={t('nav.main')}>
        {links.filter((link) => link.to !== '/done' && link.to !== '/stats' && !(link.to === '/studio' && me?.is_admin)).map((link) => (
          <NavLink key={link.to} to={link.to} className="tabbar-link">
            <span className="tabbar-icon">{link.icon}{link.badge && <TaskCount />}</span>
            <span>{link.label}</span>
          </NavLink>
        ))}
        <NavLink to="/settings" className="tabbar-link">
          <span className="tabbar-icon"><SettingOutlined /></span>
          <span>{t('nav.settings')}</span>
        </NavLink>
      </nav>
    </div>
  );
}

import { Button, Descriptions, Segmented, Switch, Typography  } from 'antd';
import { Section } from '../components/Section';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { useRoleName } from '../components/bits';

export default function SettingsPage() {
  const { t, i18n } = useTranslation();
  const { me, prefs, setPrefs, logout } = useSession();
  const roleName = useRoleName();
  const navigate = useNavigate();
  return (
    <div className="page">
      <Typography.Title level={2}>{t('settings.title')}</Typography.Title>
      <Section title={t('settings.me')}>
        <Descriptions size="small" column={1} items={[
          { key: 'user', label: t('settings.user'), children: me?.user },
          ...(me?.is_admin ? [{ key: 'admin', label: t('settings.admin'), children: t('common.yes') }] : []),
          { key: 'memberships', label: t('settings.memberships'), children: (
            <ul className="plain-list">
              {(me?.memberships ?? []).map((m) => <li key={`${m.unit}/${m.role}`}>{m.unit} · <strong>{roleName(m.role)}</strong></li>)}
              {(me?.memberships ?? []).length === 0 && <li>—</li>}
            </ul>
          ) },
        ]} />
      </Section>
      <Section title={t('settings.display')}>
        <div className="setting-row">
          <span id="lang-label">{t('settings.language')}</span>
          <Segmented aria-labelledby="lang-label" value={i18n.language === 'en' ? 'en' : 'zh-CN'}
            onChange={(language) => setPrefs({ language: language as 'zh-CN' | 'en' })}
            options={[{ label: '中文', value: 'zh-CN' }, { label: 'English', value: 'en' }]} />
        </div>
        <div className="setting-row">
          <span id="elder-label">{t('settings.elder')}</span>
          <Switch aria-labelledby="elder-label" checked={prefs.elder} onChange={(elder) => setPrefs({ elder })} />
        </div>
        <p className="muted">{t('settings.elderHelp')}</p>
      </Section>
      <Button danger block size="large" onClick={async () => { await logout(); navigate('/login', { state: { loggedOut: true } }); }}>
        {t('nav.logout')}
      </Button>
    </div>
  );
}

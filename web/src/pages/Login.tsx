import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Input } from 'antd';
import { PlatformButtons } from '../components/PlatformButtons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { ApiError } from '../api/client';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { me, login, expired, setPrefs, prefs } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? {}) as { from?: string; loggedOut?: boolean };
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);

  if (me) return <Navigate to={state.from && state.from !== '/login' ? state.from : '/inbox'} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!user.trim() || !password) {
      setMissing(true);
      return;
    }
    const values = { user, password };
    setBusy(true);
    setError(null);
    try {
      await login(values.user.trim(), values.password);
      navigate(state.from && state.from !== '/login' ? state.from : '/inbox', { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t('login.wrong') : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark big" aria-hidden>议</span>
          <div>
            <h1 className="login-title">{t('app.name')}</h1>
            <p className="login-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        {expired && <Alert type="warning" showIcon className="login-alert" message={t('login.expired')} description={t('login.expiredHelp')} />}
        {state.loggedOut && !expired && <Alert type="success" showIcon className="login-alert" message={t('login.loggedOut')} />}
        {error && <Alert type="error" showIcon className="login-alert" message={error} role="alert" />}
        <form onSubmit={onSubmit} noValidate className="login-form">
          <label htmlFor="login-user">{t('login.user')}</label>
          <Input id="login-user" name="user" size="large" autoComplete="username" autoCapitalize="none" autoFocus
            value={user} onChange={(e) => setUser(e.target.value)} status={missing && !user ? 'error' : undefined}
            aria-invalid={missing && !user} aria-describedby={missing && !user ? 'login-user-error' : undefined} />
          {missing && !user && <div id="login-user-error" className="field-error">{t('login.userRequired')}</div>}
          <label htmlFor="login-password">{t('login.password')}</label>
          <Input.Password id="login-password" name="password" size="large" autoComplete="current-password"
            value={password} onChange={(e) => setPassword(e.target.value)} status={missing && !password ? 'error' : undefined}
            aria-invalid={missing && !password} aria-describedby={missing && !password ? 'login-password-error' : undefined} />
          {missing && !password && <div id="login-password-error" className="field-error">{t('login.passwordRequired')}</div>}
          <Button type="primary" htmlType="submit" block loading={busy} size="large" className="login-submit">{t('login.submit')}</Button>
          <PlatformButtons />
        </form>
        <p className="muted login-hint">{t('login.codeHint')}</p>
        <div className="login-footer">
          <div className="lang-choice" role="group" aria-label={t('settings.language')}>
            {([['zh-CN', '中文'], ['en', 'English']] as const).map(([language, label]) => (
              <Button key={language} lang={language} type={(i18n.language === 'en' ? 'en' : 'zh-CN') === language ? 'primary' : 'default'}
                aria-pressed={(i18n.language === 'en' ? 'en' : 'zh-CN') === language} onClick={() => setPrefs({ language })}>{label}</Button>
            ))}
          </div>
          <Button type="link" onClick={() => setPrefs({ elder: !prefs.elder })} aria-pressed={prefs.elder}>
            {prefs.elder ? t('settings.elderOff') : t('settings.elderOn')}
          </Button>
        </div>
      </div>
    </main>
  );
}

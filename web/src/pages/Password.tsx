import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, ok } from '../api/client';
import { useSession } from '../session';
import { problemText } from '../lib/errors';

/** Set my own password: after signing in with a one-time code (forced, no old password), or from my account. */
export default function PasswordPage() {
  const { t } = useTranslation();
  const { me, renew, logout } = useSession();
  const navigate = useNavigate();
  const forced = !!me?.must_change_password;
  const [oldPassword, setOldPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<{ message: string; detail?: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const local: Record<string, string> = {};
    if (!forced && !oldPassword) local.old_password = t('password.oldRequired');
    if (!newPassword) local.new_password = t('password.newRequired');
    else if (newPassword !== again) local.again = t('password.mismatch');
    setFieldErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const result = await ok(api.POST('/api/me/password', {
        body: { new_password: newPassword, old_password: forced ? null : oldPassword },
      }));
      renew(result);
      navigate('/inbox', { replace: true, state: { passwordChanged: true } });
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.problem.errors?.length) {
        setFieldErrors(Object.fromEntries(e.problem.errors.map((f) => [f.path, f.message])));
      } else {
        setError(problemText(e, t));
      }
    } finally {
      setBusy(false);
    }
  };

  const field = (id: string, label: string, value: string, set: (v: string) => void, autoComplete: string) => (
    <>
      <label htmlFor={`pw-${id}`}>{label}</label>
      <Input.Password id={`pw-${id}`} size="large" autoComplete={autoComplete} value={value}
        onChange={(e) => set(e.target.value)} status={fieldErrors[id] ? 'error' : undefined}
        aria-invalid={!!fieldErrors[id]} aria-describedby={fieldErrors[id] ? `pw-${id}-error` : undefined} />
      {fieldErrors[id] && <div id={`pw-${id}-error`} className="field-error">{fieldErrors[id]}</div>}
    </>
  );

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <h1 className="login-title">{forced ? t('password.forcedTitle') : t('password.title')}</h1>
        {forced && <Alert type="info" showIcon className="login-alert" message={t('password.forcedHelp', { user: me?.user })} />}
        {error && <Alert type="error" showIcon className="login-alert" message={error.message} description={error.detail} role="alert" />}
        <form onSubmit={onSubmit} noValidate className="login-form">
          {!forced && field('old_password', t('password.old'), oldPassword, setOldPassword, 'current-password')}
          {field('new_password', t('password.new'), newPassword, setNewPassword, 'new-password')}
          {field('again', t('password.again'), again, setAgain, 'new-password')}
          <p className="muted">{t('password.policy')}</p>
          <Button type="primary" htmlType="submit" block loading={busy} size="large" className="login-submit">{t('password.submit')}</Button>
        </form>
        <div className="login-footer">
          {forced
            ? <Button type="link" onClick={async () => { await logout(); navigate('/login', { replace: true }); }}>{t('nav.logout')}</Button>
            : <Link to="/settings">{t('password.back')}</Link>}
        </div>
      </div>
    </main>
  );
}

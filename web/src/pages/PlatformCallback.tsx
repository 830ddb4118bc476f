import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, setToken, ApiError } from '../api/client';
import { takePending, type Platform } from '../lib/platforms';

// Where WeCom and DingTalk send the person back with a code: sign in (or link the account, from 设置).
export default function PlatformCallbackPage() {
  const { t } = useTranslation();
  const { platform = '' } = useParams();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const code = params.get('code') ?? params.get('authCode');
    const pending = takePending(platform, params.get('state'));
    if (!code || !pending || (platform !== 'wecom' && platform !== 'dingtalk')) {
      setError(t('platform.badReturn'));
      return;
    }
    const path = { platform: platform as Platform };
    const done = pending.intent === 'link'
      ? ok(api.POST('/api/me/platforms/{platform}', { params: { path }, body: { code } })).then(() => '/settings')
      : ok(api.POST('/api/auth/{platform}/login', { params: { path }, body: { code } }))
        .then((result) => { setToken(result.access_token); return '/inbox'; });
    done.then((to) => window.location.replace(to))
      .catch((e) => setError(e instanceof ApiError ? e.message : t('error.network')));
  }, [params, platform, t]);

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        {error ? (
          <>
            <Alert type="error" showIcon message={error} role="alert" />
            <p><Link to="/login">{t('platform.back')}</Link></p>
          </>
        ) : <div role="status"><Spin /> {t('platform.signingIn')}</div>}
      </div>
    </main>
  );
}

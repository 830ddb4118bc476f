import { Button } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { startPlatform } from '../lib/platforms';

/** Sign in with WeCom or DingTalk, when this server offers them. */
export function PlatformButtons() {
  const { t } = useTranslation();
  const offered = useQuery({ queryKey: ['platforms'], queryFn: () => ok(api.GET('/api/auth/platforms')), staleTime: Infinity });
  const items = offered.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="platform-buttons">
      {items.map((item) => (
        <Button key={item.platform} block size="large" onClick={() => void startPlatform(item.platform, 'login')}>
          {t('platform.signInWith', { name: item.name })}
        </Button>
      ))}
    </div>
  );
}

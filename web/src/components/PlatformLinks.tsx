import { Button } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { startPlatform } from '../lib/platforms';

/** My WeCom / DingTalk accounts: link one (through the platform's sign-in), or unlink it. */
export function PlatformLinks() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const offered = useQuery({ queryKey: ['platforms'], queryFn: () => ok(api.GET('/api/auth/platforms')), staleTime: Infinity });
  const mine = useQuery({ queryKey: ['my-platforms'], queryFn: () => ok(api.GET('/api/me/platforms')) });
  const items = offered.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <ul className="plain-list platform-links">
      {items.map((item) => {
        const link = mine.data?.items.find((l) => l.platform === item.platform);
        return (
          <li key={item.platform} className="setting-row">
            <span>{item.name}{link ? ` · ${t('platform.linked', { id: link.external_id })}` : ''}</span>
            {link ? (
              <Button onClick={async () => {
                await ok(api.DELETE('/api/me/platforms/{platform}', { params: { path: { platform: item.platform } } }));
                await client.invalidateQueries({ queryKey: ['my-platforms'] });
              }}>{t('platform.unlink')}</Button>
            ) : <Button onClick={() => void startPlatform(item.platform, 'link')}>{t('platform.link')}</Button>}
          </li>
        );
      })}
    </ul>
  );
}

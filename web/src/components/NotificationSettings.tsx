import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, ApiError } from '../api/client';

type Channel = 'email' | 'sms' | 'wecom' | 'dingtalk';
const CHANNELS: Channel[] = ['sms', 'email', 'wecom', 'dingtalk'];

/** My notification channels (the bell is always on), quiet hours and the language of messages. */
export function NotificationSettings() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const prefs = useQuery({
    queryKey: ['notification-preferences'],
    queryFn: () => ok(api.GET('/api/notifications/preferences')),
  });
  const [channels, setChannels] = useState<Channel[]>([]);
  const [quiet, setQuiet] = useState(true);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('07:00');
  const [language, setLanguage] = useState<'zh-CN' | 'en'>('zh-CN');
  useEffect(() => {
    if (!prefs.data) return;
    setChannels(prefs.data.channels);
    setQuiet(!!prefs.data.quiet);
    setStart(prefs.data.quiet?.start ?? '22:00');
    setEnd(prefs.data.quiet?.end ?? '07:00');
    setLanguage(prefs.data.language);
  }, [prefs.data]);
  const save = useMutation({
    mutationFn: () => ok(api.PUT('/api/notifications/preferences', { body: {
      channels, quiet: quiet ? { start, end } : null, language } })),
    onSuccess: (data) => client.setQueryData(['notification-preferences'], data),
  });
  if (!prefs.data) return prefs.error ? <Alert type="error" showIcon message={t('error.load')} /> : null;
  const { available, reachable } = prefs.data;
  return (
    <form className="notify-settings" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <p className="muted">{t('notify.bellAlways')}</p>
      <fieldset>
        <legend>{t('notify.channels')}</legend>
        {CHANNELS.map((channel) => {
          const offered = available.includes(channel);
          return (
            <div key={channel} className="setting-row">
              <Checkbox checked={channels.includes(channel)} disabled={!offered}
                onChange={(e) => setChannels(e.target.checked ? [...channels, channel] : channels.filter((c) => c !== channel))}>
                {t(`notify.channel.${channel}`)}
              </Checkbox>
              <span className="muted">{!offered ? t('notify.notOffered') : reachable.includes(channel) ? '' : t('notify.noAddress')}</span>
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{t('notify.quiet')}</legend>
        <Checkbox checked={quiet} onChange={(e) => setQuiet(e.target.checked)}>{t('notify.quietOn')}</Checkbox>
        {quiet && (
          <div className="setting-row quiet-hours">
            <label>{t('notify.from')} <input type="time" value={start} onChange={(e) => setStart(e.target.value)} required /></label>
            <label>{t('notify.to')} <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} required /></label>
          </div>
        )}
        <p className="muted">{t('notify.quietHelp')}</p>
      </fieldset>
      <div className="setting-row">
        <label htmlFor="message-language">{t('notify.language')}</label>
        <select id="message-language" value={language} onChange={(e) => setLanguage(e.target.value as 'zh-CN' | 'en')}>
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </div>
      {save.error && <Alert type="error" showIcon message={save.error instanceof ApiError ? save.error.message : t('error.load')} />}
      {save.isSuccess && <Alert type="success" showIcon message={t('notify.saved')} />}
      <Button type="primary" htmlType="submit" loading={save.isPending} block>{t('notify.save')}</Button>
    </form>
  );
}

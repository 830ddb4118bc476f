// 代理中: the banner at the top of the inbox while the signed-in person stands in for an absent member (请假代理),
// so the steps that came to them from someone else are not mistaken for their own.
import '../i18n/handover';
import { Link } from 'react-router-dom';
import { Alert } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { StandInItem } from '../api/types';
import { formatDay } from '../lib/handover';
import { useSession } from '../session';

/** The absences `user` stands in for now, one line each with its last day, linking to the absence page; nothing when none. */
export function StandingInBanner({ items, user }: { items: readonly StandInItem[]; user: string }) {
  const { t, i18n } = useTranslation();
  const running = items.filter((s) => s.stand_in === user && s.state === 'running');
  if (running.length === 0) return null;
  return (
    <Alert type="info" showIcon className="form-alert standing-in" role="status"
      title={running.map((s) => {
        const [from, to] = [String(s.valid_from), String(s.valid_to)];
        // a running absence began by today, so its last day needs a year only when it ends in another year than it began
        const until = formatDay(to, i18n.language, from.slice(0, 4) !== to.slice(0, 4));
        return <div key={s.id}>{t('standingIn.text', { name: s.user_name || s.user_id, until })}</div>;
      })}
      action={<Link to="/settings/absence">{t('standingIn.link')}</Link>} />
  );
}

/** The banner with the signed-in person's stand-ins (GET /api/stand-ins, shared with the absence page). */
export default function StandingIn() {
  const { me } = useSession();
  const list = useQuery({ queryKey: ['stand-ins'], enabled: !!me, queryFn: () => ok(api.GET('/api/stand-ins')) });
  if (!me || !list.data) return null;
  return <StandingInBanner items={list.data.items} user={me.user} />;
}

// A multi-person step (会签 / 或签 / 依次 / 票签) as a member sees it: the rule in words, how many have signed,
// the decisions so far with their opinions, and who is still to sign.
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MultiSign } from '../api/types';
import { formatInstant } from '../lib/time';
import '../i18n/signing';

export default function MultiSignProgress({ progress }: { progress: MultiSign }) {
  const { t } = useTranslation();
  const percent = progress.signs_total ? Math.round((100 * progress.signs_done) / progress.signs_total) : 0;
  return (
    <div className="multi-sign">
      <Space wrap>
        <Tag color="blue" className="sign-rule">{t(`sign.rule.${progress.rule}`)}</Tag>
        <span>{t('sign.signed', { done: progress.signs_done, total: progress.signs_total })}</span>
        <Tag color="green">{t('sign.approved', { n: progress.signs_approved })}</Tag>
        {progress.signs_rejected > 0 && <Tag color="red">{t('sign.rejected', { n: progress.signs_rejected })}</Tag>}
      </Space>
      <p className="muted">{t(`sign.ruleHelp.${progress.rule}`)}</p>
      <progress className="sign-progress" max={100} value={percent} aria-label={t('sign.signed', { done: progress.signs_done, total: progress.signs_total })} />
      {progress.signs.length > 0 && (
        <ul className="sign-list" aria-label={t('sign.decisions')}>
          {progress.signs.map((sign) => (
            <li key={`${sign.member}-${sign.at}`}>
              <strong>{sign.member}</strong>{' '}
              <Tag color={sign.decision === 'approve' ? 'green' : 'red'}>{t(`sign.${sign.decision}`)}</Tag>
              {sign.opinion && <span>{sign.opinion}</span>}
              {sign.at && <span className="muted"> · {formatInstant(sign.at)}</span>}
            </li>
          ))}
        </ul>
      )}
      {progress.waiting.length > 0 && <p>{t('sign.waiting', { who: progress.waiting.join('、') })}</p>}
    </div>
  );
}

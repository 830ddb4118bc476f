// 流程预测: the steps ahead of an open case along the most likely path, with who holds each and the forecast
// deadline, plainly marked as a forecast (dashed, "预测" tag).
import { Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { formatInstant } from '../lib/time';
import { useLocalize } from './bits';
import '../i18n/signing';

const SHOWN = 12;

export function ForecastList({ caseRef }: { caseRef: string }) {
  const { t } = useTranslation();
  const localize = useLocalize();
  const ahead = useQuery({
    queryKey: ['case', caseRef, 'forecast'],
    queryFn: () => ok(api.GET('/api/cases/{case}/forecast', { params: { path: { case: caseRef } } })),
  });
  const steps = ahead.data?.steps ?? [];
  if (ahead.isLoading || !ahead.data) return null;
  return (
    <div className="forecast">
      <p className="muted"><Tag color="gold">{t('forecast.tag')}</Tag>{t('forecast.help')}</p>
      {steps.length === 0 ? <p>{t('forecast.none')}</p> : (
        <ol className="forecast-steps">
          {steps.slice(0, SHOWN).map((step) => (
            <li key={`${step.process}-${step.element_id}`} className={step.open ? 'forecast-open' : 'forecast-ahead'}>
              <div>
                <strong>{localize(step.name)}</strong>
                {step.open && <Tag color="orange" className="forecast-now">{t('forecast.now')}</Tag>}
                {step.multi_sign && <Tag color="blue">{t(`sign.rule.${step.multi_sign}`)}</Tag>}
              </div>
              <div className="muted">
                {step.role_name ?? ''}
                {' · '}{t('forecast.holders', { who: step.holders.length ? step.holders.join('、') : t('forecast.nobody') })}
              </div>
              <div className="muted">
                {step.due_at ? t(step.open ? 'forecast.dueNow' : 'forecast.due', { when: formatInstant(step.due_at) }) : t('forecast.noDue')}
              </div>
            </li>
          ))}
        </ol>
      )}
      {steps.length > SHOWN && <p className="muted">{t('forecast.more', { count: steps.length - SHOWN })}</p>}
    </div>
  );
}

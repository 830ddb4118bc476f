import { Link } from 'react-router-dom';
import { Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

// 已办: the API has no route yet for "tasks I completed"; the page says so and points to the case files.
export default function DonePage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Typography.Title level={2}>{t('done.title')}</Typography.Title>
      <Empty description={t('done.unavailable')}>
        <Link to="/mine">{t('done.seeCases')}</Link>
      </Empty>
    </div>
  );
}

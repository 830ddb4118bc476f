import { useParams } from 'react-router-dom';
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

// 公示栏: the public board needs an API route without login (publications whose window runs); until the
// API offers one, the page says so.
export default function BoardPage() {
  const { unit = '' } = useParams();
  const { t } = useTranslation();
  return (
    <main className="page board-page" id="main">
      <Result status="info" title={t('board.title', { unit })} subTitle={t('board.unavailable')} />
    </main>
  );
}

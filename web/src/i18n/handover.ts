// The texts of absences (请假代理), 换届 hand-over and the stock-phrase editor (常用语管理): added to the catalogs when
// a page that uses them loads, so they stay out of the entry chunk the participant budget counts.
import i18n from './index';
import zhCN from './handover.zh-CN.json';
import en from './handover.en.json';

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

export default i18n;

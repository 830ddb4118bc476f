// The texts of opinions, signatures, multi-person steps and the forecast, in their own catalogs: added to i18n when
// a page that shows them loads, so the participant pages' first load stays within its budget.
import i18n from './index';
import zhCN from './signing.zh-CN.json';
import en from './signing.en.json';

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

export default i18n;

// The texts of the case page's other actions (objection, flag correction, merge, split) and of the case-file events
// only the case page names, in their own catalogs: added
// to i18n when the case page loads, so the participant pages' first load stays within its budget.
import i18n from './index';
import zhCN from './caseActions.zh-CN.json';
import en from './caseActions.en.json';

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

export default i18n;

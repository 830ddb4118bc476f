// The texts of the task actions (views, 催办, 抄送, 转办, 委派, 加签, 撤回, 退回): added to the catalogs when a page or
// panel that uses them loads, so they stay out of the entry chunk the participant budget counts.
import i18n from './index';
import zhCN from './actions.zh-CN.json';
import en from './actions.en.json';

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

export default i18n;

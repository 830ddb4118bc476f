// The studio's texts, loaded with the studio (kept out of the catalogs every participant downloads).
import i18n from '../i18n';
import zh from './zh-CN.json';
import en from './en.json';

i18n.addResourceBundle('zh-CN', 'translation', zh, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

export default i18n;

// The texts of the residents' pages (home, take part), loaded with those lazy pages rather than in the entry
// chunk every participant downloads (the bundle budget); src/test/i18n.test.ts checks them with the main catalogs.
import i18n from './index';
import zhCN from './participate.zh-CN.json';
import en from './participate.en.json';

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

// bpmn-js's own texts (palette, context pad, the properties panel's general groups) in Chinese when the app is,
// through diagram-js's `translate` service; a text without an entry stays as bpmn-js writes it.
import i18n from './locales';

const ZH: Record<string, string> = {
  'General': '常规', 'Name': '名称', 'ID': 'ID', 'Documentation': '说明文档', 'Element documentation': '元素说明',
  'Process documentation': '流程说明', 'Process': '流程', 'Process ID': '流程 ID', 'Process name': '流程名称',
  'Executable': '可执行', 'Condition': '条件', 'Type': '类型', 'Value': '值', 'Script': '脚本', 'Timer': '定时器',
  'Activate hand tool': '抓手工具', 'Activate lasso tool': '框选工具', 'Activate create/remove space tool': '增减空间',
  'Activate global connect tool': '连线工具', 'Create start event': '开始事件', 'Create intermediate/boundary event': '中间/边界事件',
  'Create end event': '结束事件', 'Create gateway': '网关', 'Create task': '任务', 'Create expanded subprocess': '展开的子流程',
  'Create data object reference': '数据对象', 'Create data store reference': '数据存储', 'Create pool/participant': '池/参与者',
  'Create group': '分组（步骤）', 'Append task': '接一个任务', 'Append end event': '接结束事件', 'Append gateway': '接网关',
  'Append intermediate/boundary event': '接中间事件', 'Change element': '更改类型', 'Delete': '删除',
  'Connect using sequence/message flow or association': '连线', 'Connect to other element': '连到其他元素',
  'Add text annotation': '加注释', 'Add lane above': '在上方加泳道', 'Add lane below': '在下方加泳道',
  'Divide into two lanes': '分成两条泳道', 'Divide into three lanes': '分成三条泳道', 'Search in diagram': '在图中查找',
};

export function translate(template: string, replacements?: Record<string, string>): string {
  const text = i18n.language === 'en' ? template : (ZH[template] ?? template);
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements?.[key] ?? `{${key}}`);
}

export const TranslateModule = { translate: ['value', translate] };

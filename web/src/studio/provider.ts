// The Yishi group of the properties panel (bpmn-js-properties-panel's provider API): what the engine reads from a
// diagram, edited where it lives — spiffworkflow properties (role, form, dueDate, assignee, contextFields,
// startRoles, startFormJsonSchemaFilename, stuck thresholds, reminderDays, caseEvent, a 退回's sendBack), pre/post scripts, the
// participant instructions in Chinese and English, conditions, scripts and timers. Every change goes through
// bpmn-js's command stack (undo works) and the moddle extension (spiffworkflow.json), so saving keeps it.
import { h } from '@bpmn-io/properties-panel/preact';
import { CheckboxEntry, SelectEntry, TextAreaEntry, TextFieldEntry, isCheckboxEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import i18n from './locales';
import { joinInstructions, splitInstructions } from './extension';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Bo = any;
type Element = { id: string; type: string; businessObject: Bo };

export interface Role { code: string; zh: string; en: string }
export interface YishiConfig { roles: Role[] }

const label = (key: string) => i18n.t(`studio.prop.${key}`);

// ----- reading and writing the extension ---------------------------------------------------------------------

function processOf(element: Element): Bo {
  const bo = element.businessObject;
  return bo.$type === 'bpmn:Participant' ? bo.processRef : bo;
}

function extension(bo: Bo, type: string): Bo | undefined {
  return (bo?.extensionElements?.values ?? []).find((v: Bo) => v.$type === type);
}

export function property(bo: Bo, name: string): string | undefined {
  return (extension(bo, 'spiffworkflow:Properties')?.properties ?? []).find((p: Bo) => p.name === name)?.value;
}

/** The element's extensionElements, created when missing (through the command stack). */
function ensureExtensions(element: Element, bo: Bo, services: Services): Bo {
  let ext = bo.extensionElements;
  if (!ext) {
    ext = services.bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    services.modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }
  return ext;
}

function ensureChild(element: Element, bo: Bo, type: string, services: Services): Bo {
  const ext = ensureExtensions(element, bo, services);
  let child = extension(bo, type);
  if (!child) {
    child = services.bpmnFactory.create(type, type === 'spiffworkflow:Properties' ? { properties: [] } : {});
    services.modeling.updateModdleProperties(element, ext, { values: [...(ext.values ?? []), child] });
  }
  return child;
}

export function setProperty(element: Element, bo: Bo, name: string, value: string, services: Services) {
  const container = ensureChild(element, bo, 'spiffworkflow:Properties', services);
  const existing = (container.properties ?? []).find((p: Bo) => p.name === name);
  if (!value) {
    if (existing) {
      services.modeling.updateModdleProperties(element, container, {
        properties: container.properties.filter((p: Bo) => p !== existing) });
    }
    return;
  }
  if (existing) services.modeling.updateModdleProperties(element, existing, { value });
  else {
    const created = services.bpmnFactory.create('spiffworkflow:Property', { name, value });
    services.modeling.updateModdleProperties(element, container, { properties: [...(container.properties ?? []), created] });
  }
}

function bodyOf(bo: Bo, type: string): string {
  return extension(bo, type)?.value ?? '';
}

function setBody(element: Element, bo: Bo, type: string, value: string, services: Services) {
  const child = ensureChild(element, bo, type, services);
  services.modeling.updateModdleProperties(element, child, { value });
}

interface Services { modeling: any; bpmnFactory: any; debounce: any; config: YishiConfig }

function useServices(): Services {
  return {
    modeling: useService('modeling'), bpmnFactory: useService('bpmnFactory'), debounce: useService('debounceInput'),
    config: useService('config.yishi') ?? { roles: [] },
  };
}

// ----- entries ------------------------------------------------------------------------------------------------

function textEntry(key: string, read: (bo: Bo) => string, write: (element: Element, bo: Bo, v: string, s: Services) => void,
  area = false, target: (element: Element) => Bo = (e) => e.businessObject) {
  return function Entry(props: { element: Element; id: string }) {
    const services = useServices();
    const bo = target(props.element);
    return h(area ? TextAreaEntry : TextFieldEntry, {
      id: props.id, element: props.element, label: label(key), description: label(`${key}Help`),
      getValue: () => read(bo) ?? '', setValue: (v: string) => write(props.element, bo, v ?? '', services),
      debounce: services.debounce, ...(area ? { rows: 3, monospace: key !== 'instructionsZh' && key !== 'instructionsEn' } : {}),
    });
  };
}

function propertyEntry(name: string, key: string, area = false, target?: (e: Element) => Bo) {
  return textEntry(key, (bo) => property(bo, name) ?? '', (el, bo, v, s) => setProperty(el, bo, name, v, s), area, target);
}

/** A signal boundary event marked as a drawn 退回 (sendBack = true): its flow leads back to an earlier step. */
function SendBackEntry(props: { element: Element; id: string }) {
  const services = useServices();
  const bo = props.element.businessObject;
  return h(CheckboxEntry, {
    id: props.id, element: props.element, label: label('sendBack'), description: label('sendBackHelp'),
    getValue: () => (property(bo, 'sendBack') ?? '').trim().toLowerCase() === 'true',
    setValue: (v: boolean) => setProperty(props.element, bo, 'sendBack', v ? 'true' : '', services),
  });
}

function RoleEntry(props: { element: Element; id: string }) {
  const services = useServices();
  const bo = props.element.businessObject;
  return h(SelectEntry, {
    id: props.id, element: props.element, label: label('role'), description: label('roleHelp'),
    getValue: () => property(bo, 'role') ?? '',
    getOptions: () => [{ value: '', label: '—' }, ...services.config.roles.map((r) => ({ value: r.code, label: `${r.zh} ${r.en} (${r.code})` }))],
    setValue: (code: string) => {
      setProperty(props.element, bo, 'role', code, services);
      const role = services.config.roles.find((r) => r.code === code);
      if (role) services.modeling.updateProperties(props.element, { name: `${role.zh} ${role.en}` });
    },
  });
}

function formal(bo: Bo, key: string): string {
  return bo?.[key]?.body ?? '';
}

function setFormal(element: Element, bo: Bo, key: string, value: string, services: Services) {
  if (bo[key]) services.modeling.updateModdleProperties(element, bo[key], { body: value });
  else services.modeling.updateModdleProperties(element, bo, { [key]: services.bpmnFactory.create('bpmn:FormalExpression', { body: value }) });
}

function timerOf(element: Element): { def: Bo; key: string } | null {
  const def = (element.businessObject.eventDefinitions ?? []).find((d: Bo) => d.$type === 'bpmn:TimerEventDefinition');
  if (!def) return null;
  return { def, key: def.timeCycle ? 'timeCycle' : def.timeDuration ? 'timeDuration' : 'timeDate' };
}

function TimerEntry(props: { element: Element; id: string }) {
  const services = useServices();
  const timer = timerOf(props.element)!;
  return h(TextFieldEntry, {
    id: props.id, element: props.element, label: `${label('timer')} (${timer.key})`, description: label('timerHelp'),
    getValue: () => formal(timer.def, timer.key),
    setValue: (v: string) => setFormal(props.element, timer.def, timer.key, v ?? '', services), debounce: services.debounce,
  });
}

function InstructionsEntry(language: 'zh' | 'en') {
  return textEntry(language === 'zh' ? 'instructionsZh' : 'instructionsEn',
    (bo) => splitInstructions(bodyOf(bo, 'spiffworkflow:InstructionsForEndUser'))[language],
    (el, bo, v, s) => {
      const both = splitInstructions(bodyOf(bo, 'spiffworkflow:InstructionsForEndUser'));
      both[language] = v;
      setBody(el, bo, 'spiffworkflow:InstructionsForEndUser', joinInstructions(both.zh, both.en), s);
    }, true);
}

const is = (element: Element, type: string) => element.businessObject?.$instanceOf?.(type);

function entry(id: string, component: unknown, area = false, select = false) {
  return { id: `yishi-${id}`, component, isEdited: select ? isSelectEntryEdited : area ? isTextAreaEntryEdited : isTextFieldEntryEdited };
}

/** The entries the engine reads for one element, in the order a designer fills them. */
export function yishiEntries(element: Element): object[] {
  const entries: object[] = [];
  const bo = element.businessObject;
  if (is(element, 'bpmn:Lane')) entries.push(entry('role', RoleEntry, false, true));
  if (is(element, 'bpmn:UserTask')) {
    entries.push(entry('form', propertyEntry('formJsonSchemaFilename', 'form')));
    entries.push(entry('instructions-zh', InstructionsEntry('zh'), true), entry('instructions-en', InstructionsEntry('en'), true));
    entries.push(entry('due', propertyEntry('dueDate', 'dueDate')), entry('assignee', propertyEntry('assignee', 'assignee')));
    entries.push(entry('context', propertyEntry('contextFields', 'contextFields')));
  }
  if (is(element, 'bpmn:SequenceFlow') && (bo.conditionExpression || is({ ...element, businessObject: bo.sourceRef }, 'bpmn:Gateway'))) {
    entries.push(entry('condition', textEntry('condition', (b) => formal(b, 'conditionExpression'),
      (el, b, v, s) => setFormal(el, b, 'conditionExpression', v, s), true), true));
  }
  if (is(element, 'bpmn:ScriptTask')) {
    entries.push(entry('script', textEntry('script', (b) => b.script ?? '',
      (el, _b, v, s) => s.modeling.updateProperties(el, { script: v }), true), true));
  }
  if (is(element, 'bpmn:Activity')) {
    entries.push(entry('pre', textEntry('preScript', (b) => bodyOf(b, 'spiffworkflow:PreScript'),
      (el, b, v, s) => setBody(el, b, 'spiffworkflow:PreScript', v, s), true), true));
    entries.push(entry('post', textEntry('postScript', (b) => bodyOf(b, 'spiffworkflow:PostScript'),
      (el, b, v, s) => setBody(el, b, 'spiffworkflow:PostScript', v, s), true), true));
  }
  if (timerOf(element)) {
    entries.push(entry('timer', TimerEntry));
    if (is(element, 'bpmn:BoundaryEvent')) entries.push(entry('case-event', propertyEntry('caseEvent', 'caseEvent')));
  }
  if (is(element, 'bpmn:BoundaryEvent') && (bo.eventDefinitions ?? []).some((d: Bo) => d.$type === 'bpmn:SignalEventDefinition')) {
    entries.push({ id: 'yishi-send-back', component: SendBackEntry, isEdited: isCheckboxEntryEdited });
  }
  if (is(element, 'bpmn:Participant') || is(element, 'bpmn:Process')) {
    for (const [name, key] of [['startRoles', 'startRoles'], ['startFormJsonSchemaFilename', 'startForm'],
      ['stuckIdleDays', 'stuckIdleDays'], ['stuckLoopCount', 'stuckLoopCount'], ['stuckSuspendedDays', 'stuckSuspendedDays'],
      ['reminderDays', 'reminderDays'], ['caseVariables', 'caseVariables']] as const) {
      entries.push(entry(name, propertyEntry(name, key, false, processOf)));
    }
  }
  return entries;
}

/** Registered with the properties panel: adds the Yishi group after bpmn-js's general groups. */
export default function YishiPropertiesProvider(this: unknown, propertiesPanel: { registerProvider(p: number, provider: unknown): void }) {
  (this as { getGroups: unknown }).getGroups = (element: Element) => (groups: object[]) => {
    const entries = yishiEntries(element);
    if (entries.length) groups.splice(1, 0, { id: 'yishi', label: label('group'), entries, shouldOpen: true });
    return groups;
  };
  propertiesPanel.registerProvider(500, this);
}
YishiPropertiesProvider.$inject = ['propertiesPanel'];

export const YishiPropertiesModule = {
  __init__: ['yishiPropertiesProvider'],
  yishiPropertiesProvider: ['type', YishiPropertiesProvider],
};

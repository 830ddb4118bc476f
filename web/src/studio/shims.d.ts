// Types for the bpmn.io and bpmnlint modules the studio uses that ship none (only what the studio calls).
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export function useService<T = any>(name: string): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}
declare module '@bpmn-io/properties-panel' {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export const TextFieldEntry: any;
  export const TextAreaEntry: any;
  export const SelectEntry: any;
  export const CheckboxEntry: any;
  export function isCheckboxEntryEdited(node: unknown): boolean;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isTextAreaEntryEdited(node: unknown): boolean;
  export function isSelectEntryEdited(node: unknown): boolean;
}
declare module '@bpmn-io/properties-panel/preact' {
  export function h(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
declare module 'bpmnlint' {
  export class Linter {
    constructor(options: { config: unknown; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, { id?: string; message: string; category: string }[]>>;
  }
}
declare module 'bpmnlint/lib/resolver/static-resolver' {
  export default class StaticResolver {
    constructor(cache: Record<string, unknown>);
  }
}
declare module 'bpmnlint/config/recommended' {
  const config: { rules: Record<string, string> };
  export default config;
}
declare module 'bpmnlint/rules/*' {
  const rule: unknown;
  export default rule;
}
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string): Promise<{ rootElement: unknown; warnings: { message: string }[] }>;
    toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}

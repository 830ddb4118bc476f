// The studio's diagram: bpmn-js Modeler with the properties panel (bpmn-js's general groups plus the Yishi group,
// provider.ts) and the spiffworkflow moddle extension, so whatever the engine reads survives an edit and a save.
// Problems are drawn on their elements (a marker and a badge); a diff or a scenario's path can be drawn too.
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/assets/properties-panel.css';
import spiffworkflow from './spiffworkflow.json';
import { YishiPropertiesModule, property, type Role } from './provider';
import { TranslateModule } from './translate';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Marks { [elementId: string]: 'problem' | 'warning' | 'added' | 'changed' | 'path' }

export interface ModelerHandle {
  xml(): Promise<string>;
  definitions(): unknown;
  load(xml: string): Promise<void>;
  select(elementId: string): void;
  selected(): string | null;
  elementName(elementId: string): string | null;
  /** The code of an element the engine runs, as the sandbox should check it. */
  expressions(elementId: string): { label: string; source: string; mode: 'eval' | 'exec' }[];
  /** The whole diagram in view. */
  fit(): void;
  /** Every element with a name or id, to find one by typing. */
  elements(): { id: string; name: string | null; type: string }[];
  /** A user task's participant instructions ("[zh-CN] … [en] …"), or null. */
  instructions(elementId: string): string | null;
  /** The form file of a user task, and its process id. */
  formOf(elementId: string): { process: string; file: string } | null;
}

interface Props {
  xml: string;
  roles: Role[];
  marks: Marks;
  badges: Record<string, number>;
  onChange(): void;
  onSelect(elementId: string | null, type: string | null): void;
  label: string;
}

const MARKER = (mark: string) => `studio-${mark}`;

/** A whole method fitted into the canvas is unreadably small: start at a readable scale at its left edge (the
 * designer pans and zooms from there), or fit it when it fits. */
function readable(canvas: any) {
  if (canvas.zoom('fit-viewport') >= 0.6) return;
  canvas.zoom(0.7);
  const inner = canvas.viewbox().inner;
  const box = canvas.viewbox();
  canvas.viewbox({ x: inner.x - 20, y: inner.y - 20, width: box.width, height: box.height });
}

const Modeler = forwardRef<ModelerHandle, Props>(function Modeler({ xml, roles, marks, badges, onChange, onSelect, label }, ref) {
  const canvasEl = useRef<HTMLDivElement>(null);
  const panelEl = useRef<HTMLDivElement>(null);
  const modeler = useRef<any>(null);
  const drawn = useRef<{ marks: Marks; overlays: string[] }>({ marks: {}, overlays: [] });
  const callbacks = useRef({ onChange, onSelect });
  callbacks.current = { onChange, onSelect };

  useEffect(() => {
    const instance = new (BpmnModeler as any)({
      container: canvasEl.current,
      propertiesPanel: { parent: panelEl.current },
      additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, YishiPropertiesModule, TranslateModule],
      moddleExtensions: { spiffworkflow },
      yishi: { roles },
    });
    modeler.current = instance;
    instance.on('commandStack.changed', () => callbacks.current.onChange());
    instance.on('selection.changed', (e: any) => {
      const element = e.newSelection?.[0];
      callbacks.current.onSelect(element?.id ?? null, element?.type ?? null);
    });
    return () => instance.destroy();
    // the modeler lives as long as the page; the roles are read when the panel draws
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const instance = modeler.current;
    if (!instance || !xml) return;
    instance.importXML(xml).then(() => {
      drawn.current = { marks: {}, overlays: [] };
      readable(instance.get('canvas'));
    }).catch(() => undefined);
  }, [xml]);

  // problems, a diff or a path on the diagram
  useEffect(() => {
    const instance = modeler.current;
    if (!instance) return;
    const canvas = instance.get('canvas');
    const registry = instance.get('elementRegistry');
    const overlays = instance.get('overlays');
    for (const [id, mark] of Object.entries(drawn.current.marks)) if (registry.get(id)) canvas.removeMarker(id, MARKER(mark));
    for (const overlay of drawn.current.overlays) overlays.remove(overlay);
    const added: string[] = [];
    for (const [id, mark] of Object.entries(marks)) if (registry.get(id)) canvas.addMarker(id, MARKER(mark));
    for (const [id, n] of Object.entries(badges)) {
      if (!registry.get(id) || n <= 0) continue;
      added.push(overlays.add(id, { position: { top: -10, right: 10 }, html: `<span class="studio-badge" data-problems-for="${id}">${n}</span>` }));
    }
    drawn.current = { marks, overlays: added };
  }, [marks, badges, xml]);

  useImperativeHandle(ref, () => ({
    async xml() {
      const { xml: saved } = await modeler.current.saveXML({ format: true });
      return saved as string;
    },
    definitions() {
      return modeler.current.getDefinitions();
    },
    async load(next: string) {
      await modeler.current.importXML(next);
      readable(modeler.current.get('canvas'));
      callbacks.current.onChange();
    },
    select(elementId: string) {
      const element = modeler.current.get('elementRegistry').get(elementId);
      if (!element) return;
      modeler.current.get('selection').select(element);
      modeler.current.get('canvas').scrollToElement(element);
    },
    selected() {
      return modeler.current.get('selection').get()[0]?.id ?? null;
    },
    elementName(elementId: string) {
      return modeler.current.get('elementRegistry').get(elementId)?.businessObject?.name ?? null;
    },
    expressions(elementId: string) {
      const bo = modeler.current.get('elementRegistry').get(elementId)?.businessObject;
      if (!bo) return [];
      const found: { label: string; source: string; mode: 'eval' | 'exec' }[] = [];
      const add = (label: string, source: string | undefined, mode: 'eval' | 'exec') => {
        if (source && source.trim()) found.push({ label, source, mode });
      };
      add('condition', bo.conditionExpression?.body, 'eval');
      add('script', bo.$type === 'bpmn:ScriptTask' ? bo.script : undefined, 'exec');
      add('dueDate', property(bo, 'dueDate'), 'eval');
      add('assignee', property(bo, 'assignee'), 'eval');
      for (const value of bo.extensionElements?.values ?? []) {
        if (value.$type === 'spiffworkflow:PreScript') add('preScript', value.value, 'exec');
        if (value.$type === 'spiffworkflow:PostScript') add('postScript', value.value, 'exec');
      }
      for (const def of bo.eventDefinitions ?? []) {
        for (const key of ['timeDate', 'timeDuration', 'timeCycle']) add('timer', def[key]?.body, 'eval');
      }
      return found;
    },
    fit() {
      modeler.current.get('canvas').zoom('fit-viewport');
    },
    elements() {
      return modeler.current.get('elementRegistry').getAll()
        .filter((e: any) => e.businessObject?.id && !e.labelTarget && e.type !== 'bpmn:Collaboration' && e.type !== 'label')
        .map((e: any) => ({ id: e.id, name: e.businessObject.name ?? null, type: e.type }));
    },
    instructions(elementId: string) {
      const bo = modeler.current.get('elementRegistry').get(elementId)?.businessObject;
      const found = (bo?.extensionElements?.values ?? []).find((v: any) => v.$type === 'spiffworkflow:InstructionsForEndUser');
      return found?.value ?? null;
    },
    formOf(elementId: string) {
      const bo = modeler.current.get('elementRegistry').get(elementId)?.businessObject;
      const file = bo && property(bo, 'formJsonSchemaFilename');
      if (!file) return null;
      let process = bo.$parent;
      while (process && process.$type !== 'bpmn:Process') process = process.$parent;
      return process ? { process: process.id, file } : null;
    },
  }), []);

  return (
    <div className="studio-modeler">
      <div ref={canvasEl} className="studio-canvas" role="application" aria-label={label} />
      <div ref={panelEl} className="studio-panel" />
    </div>
  );
});

export default Modeler;

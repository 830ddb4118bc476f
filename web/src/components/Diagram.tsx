// The BPMN diagram (bpmn-js NavigatedViewer), loaded only when a page shows it: completed elements are
// marked green, active ones orange; `counts` draws a heat map (open cases waiting at each element).
import { useEffect, useRef, useState } from 'react';
import { Alert, Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './diagram.css';

export interface ElementRef {
  process?: string | null;
  element_id: string;
}

export interface DiagramProps {
  files: Record<string, string>;
  main: string;
  completed?: ElementRef[];
  active?: ElementRef[];
  counts?: Record<string, number>;
}

function processOf(xml: string): string | null {
  return xml.match(/<bpmn:process[^>]*\sid="([^"]+)"/)?.[1] ?? null;
}

export default function Diagram({ files, main, completed = [], active = [], counts }: DiagramProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const involved = new Set([...completed, ...active].map((e) => e.process).filter(Boolean) as string[]);
  const names = Object.keys(files).filter((name) => name === main || involved.has(processOf(files[name]) ?? ''));
  const [file, setFile] = useState(main in files ? main : names[0]);

  useEffect(() => {
    if (!container.current || !file) return;
    const viewer = new NavigatedViewer({ container: container.current });
    const process = processOf(files[file]);
    let cancelled = false;
    viewer.importXML(files[file]).then(() => {
      if (cancelled) return;
      const canvas = viewer.get('canvas') as {
        zoom(mode: string | number): number; addMarker(id: string, cls: string): void;
        viewbox(box?: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number };
      };
      const registry = viewer.get('elementRegistry') as { get(id: string): unknown };
      const overlays = viewer.get('overlays') as { add(id: string, o: { position: object; html: string }): void };
      const mine = (e: ElementRef) => !e.process || e.process === process;
      // a whole method is wide: fit it, but when that makes the boxes unreadable, show a case's current step at a
      // readable size instead (the viewer pans and zooms); the heat map keeps the overview
      type Shape = { x: number; y: number; width: number; height: number };
      const focus = active.filter(mine).map((e) => registry.get(e.element_id)).find(Boolean) as Shape | undefined;
      if (canvas.zoom('fit-viewport') < 0.55 && focus) {
        canvas.zoom(0.8);
        const box = canvas.viewbox();
        canvas.viewbox({ x: focus.x + focus.width / 2 - box.width / 2, y: focus.y + focus.height / 2 - box.height / 2,
          width: box.width, height: box.height });
      }
      for (const e of completed.filter(mine)) if (registry.get(e.element_id)) canvas.addMarker(e.element_id, 'yishi-done');
      for (const e of active.filter(mine)) if (registry.get(e.element_id)) canvas.addMarker(e.element_id, 'yishi-active');
      for (const [id, n] of Object.entries(counts ?? {})) {
        if (!registry.get(id) || n <= 0) continue;
        canvas.addMarker(id, n >= 5 ? 'yishi-heat-3' : n >= 2 ? 'yishi-heat-2' : 'yishi-heat-1');
        overlays.add(id, { position: { top: -12, right: 12 }, html: `<span class="heat-badge">${n}</span>` });
      }
    }).catch((e: Error) => setError(e.message));
    return () => {
      cancelled = true;
      viewer.destroy();
    };
  }, [file, files, completed, active, counts]);

  return (
    <div className="diagram">
      {names.length > 1 && (
        <Segmented size="small" value={file} onChange={(v) => setFile(String(v))} className="diagram-files"
          options={names.map((name) => ({ value: name, label: name.replace(/\.bpmn$/, '') }))} />
      )}
      {error && <Alert type="error" showIcon message={t('case.diagramError')} description={error} />}
      <div ref={container} className="diagram-canvas" role="img" aria-label={t('case.diagramLabel')} />
      <div className="diagram-legend" aria-hidden={!!counts}>
        {counts ? <span><span className="legend heat" /> {t('method.heatLegend')}</span> : (
          <>
            <span><span className="legend done" /> {t('case.legendDone')}</span>
            <span><span className="legend active" /> {t('case.legendActive')}</span>
          </>
        )}
        <span className="muted">{t('case.diagramHint')}</span>
      </div>
    </div>
  );
}

// A called process shown read-only in the studio (bpmn-js NavigatedViewer: pan and zoom, no editing).
import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export default function ReadOnlyDiagram({ xml, label }: { xml: string; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    setError(null);
    const viewer = new NavigatedViewer({ container: element });
    let cancelled = false;
    // fitted once it has a size: in a tab not shown (a new version loaded meanwhile) fitting an empty box fails
    const fit = new ResizeObserver(() => {
      if (cancelled || element.clientWidth === 0 || element.clientHeight === 0) return;
      fit.disconnect();
      (viewer.get('canvas') as { zoom(mode: string): number }).zoom('fit-viewport');
    });
    viewer.importXML(xml).then(() => { if (!cancelled) fit.observe(element); })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => { cancelled = true; fit.disconnect(); viewer.destroy(); };
  }, [xml]);
  return (
    <>
      {error && <Alert type="error" showIcon message={error} />}
      <div ref={container} className="studio-readonly" role="img" aria-label={label} />
    </>
  );
}

// A called process shown read-only in the studio (bpmn-js NavigatedViewer: pan and zoom, no editing).
import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export default function ReadOnlyDiagram({ xml, label }: { xml: string; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!container.current) return;
    const viewer = new NavigatedViewer({ container: container.current });
    let cancelled = false;
    viewer.importXML(xml).then(() => {
      if (!cancelled) (viewer.get('canvas') as { zoom(mode: string): number }).zoom('fit-viewport');
    }).catch((e: Error) => !cancelled && setError(e.message));
    return () => { cancelled = true; viewer.destroy(); };
  }, [xml]);
  return (
    <>
      {error && <Alert type="error" showIcon message={error} />}
      <div ref={container} className="studio-readonly" role="img" aria-label={label} />
    </>
  );
}

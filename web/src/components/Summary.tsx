import type { SummaryLine } from '../api/types';

/** The method's two or three summary fields (issue 13 item 9): enough to decide without opening the case. */
export function Summary({ lines }: { lines?: SummaryLine[] | null }) {
  if (!lines || lines.length === 0) return null;
  return (
    <div className="summary-lines">
      {lines.map((line) => (
        <span key={line.name} className="summary-line"><span className="summary-title">{line.title}</span> {line.value}</span>
      ))}
    </div>
  );
}

import type { ReactNode } from 'react';

/** A titled block of a page (lighter than antd's Card, which brings Tabs along). */
export function Section({ title, children, className = '' }: { title: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`section ${className}`}>
      <h3 className="section-title">{title}</h3>
      <div className="section-body">{children}</div>
    </section>
  );
}

import { useId } from 'react';

/** A labelled native select: the phone's own picker, large and familiar. Without `empty` one option is always chosen. */
export function NativeSelect({ label, value, onChange, options, empty, className }: {
  label: string; value: string | undefined; onChange(value: string | undefined): void;
  options: { value: string; label: string }[]; empty?: string; className?: string;
}) {
  const id = useId();
  return (
    <span className={className ? `native-select ${className}` : 'native-select'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </span>
  );
}

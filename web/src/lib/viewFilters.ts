import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** The filters every view takes, kept in the address so switching views keeps them. */
export interface ViewFilters { method?: string; unit?: string; q?: string }

export function useViewFilters(): [ViewFilters, (name: keyof ViewFilters, value: string | undefined) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => ({
    method: params.get('method') || undefined, unit: params.get('unit') || undefined, q: params.get('q') || undefined,
  }), [params]);
  const set = (name: keyof ViewFilters, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return [filters, set];
}


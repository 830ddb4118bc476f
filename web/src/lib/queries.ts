import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';

export interface TaskFilters {
  unit?: string;
  method?: string;
  q?: string;
}

export function useInbox(filters: TaskFilters = {}) {
  return useQuery({
    queryKey: ['tasks', filters],
    queryFn: () => ok(api.GET('/api/tasks', { params: { query: { ...filters, limit: 500 } } })),
    refetchInterval: 60_000,
  });
}

export function useCase(ref: string | undefined) {
  return useQuery({
    queryKey: ['case', ref],
    queryFn: () => ok(api.GET('/api/cases/{case}', { params: { path: { case: ref! } } })),
    enabled: !!ref,
  });
}

export function useDefinitions() {
  return useQuery({
    queryKey: ['definitions'],
    queryFn: () => ok(api.GET('/api/definitions')),
    staleTime: 300_000,
  });
}

/** The role registry (code → Chinese and English names); it changes only with a deployment. */
export function useRoles() {
  return useQuery({
    queryKey: ['roles'],
    queryFn: () => ok(api.GET('/api/roles')),
    staleTime: Infinity,
  });
}

/** Communities and buildings (code → name). */
export function useUnits() {
  return useQuery({
    queryKey: ['units'],
    queryFn: () => ok(api.GET('/api/units')),
    staleTime: Infinity,
  });
}

/** The methods I may start and where (the newest version of each). */
export function useMethods() {
  return useQuery({
    queryKey: ['methods'],
    queryFn: () => ok(api.GET('/api/methods')),
    staleTime: 300_000,
  });
}

import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import { useRoles } from './queries';

/** The units this administrator manages (all of them for the global one), with the kinds a new unit may have. */
export function useAdminUnits() {
  return useQuery({ queryKey: ['admin-units'], queryFn: () => ok(api.GET('/api/admin/units')) });
}

/** Roles one may grant in a unit (the registry without the designer flag and the engine itself). */
export function useGrantableRoles() {
  const { data } = useRoles();
  return (data ?? []).filter((r) => r.code !== 'designer' && r.code !== 'system');
}

/** A file as base64 text (the import endpoint takes JSON). */
export function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] ?? '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

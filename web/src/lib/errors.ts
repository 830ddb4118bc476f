import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A plain-language sentence for a failed request (the server's detail is shown under it). */
export function problemText(error: unknown, t: TFunction): { message: string; detail?: string } {
  if (!(error instanceof ApiError)) return { message: t('error.unexpected') };
  const detail = error.problem.detail || undefined;
  switch (error.status) {
    case 0: return { message: t('error.network') };
    case 403: return { message: t('error.forbidden'), detail };
    case 404: return { message: t('error.notFound'), detail };
    case 409: return { message: t('error.conflict'), detail };
    case 422: return { message: t('error.invalid'), detail };
    default: return { message: t('error.server'), detail };
  }
}

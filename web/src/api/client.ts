import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import i18n from '../i18n';

const TOKEN_KEY = 'yishi.token';
let token: string | null = typeof localStorage !== 'undefined' ? localStorage.getItem(TOKEN_KEY) : null;

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Fired when the server answers 401 to a request made with a token: the session has expired. */
export const UNAUTHORIZED_EVENT = 'yishi:unauthorized';

const middleware: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    request.headers.set('Accept-Language', i18n.language === 'en' ? 'en' : 'zh-CN');
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('Authorization')) {
      setToken(null);
      window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(middleware);

/** An RFC 9457 problem answered by the API (the fields the web app reads). */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Unwrap an openapi-fetch result: the body on success, an ApiError otherwise. */
export async function ok<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await pending;
  } catch {
    throw new ApiError(0, { status: 0, detail: '' });
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const problem = (error && typeof error === 'object' ? error : { detail: String(error ?? '') }) as Problem;
    throw new ApiError(response.status, { ...problem, status: response.status });
  }
  return data as T;
}

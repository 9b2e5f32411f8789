import type { ProtocolError } from '@werkraum/shared/errors';
import type { TemplateSummary, WorkshopTemplate } from '@werkraum/shared/protocol';
import { TEMPLATE_FORMAT_VERSION, TEMPLATE_KIND } from '@werkraum/shared/templateFormat';
import { LIMITS } from '@werkraum/shared/limits';

const LIBRARY_KEY = 'werkraum:templateKey';

/** The template key this browser was given, if any. */
export function storedTemplateKey(): string {
  try {
    return localStorage.getItem(LIBRARY_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Remembers (or, with '', forgets) the template key in this browser. */
export function storeTemplateKey(key: string): void {
  try {
    if (key) localStorage.setItem(LIBRARY_KEY, key);
    else localStorage.removeItem(LIBRARY_KEY);
  } catch {
    // Private mode: the key is asked again next time.
  }
}

/** Sends a request to the template API; rejects with the server's error (code, message, field). */
async function templateApi<T>(path: string, init: RequestInit & { key?: string | undefined } = {}): Promise<T> {
  const { key, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: { ...(rest.body ? { 'Content-Type': 'application/json' } : {}), ...(key ? { 'X-Template-Key': key } : {}) },
    });
  } catch {
    throw { code: 'timeout', message: 'The server cannot be reached.' };
  }
  const body = (await response.json().catch(() => null)) as T | { error: ProtocolError } | null;
  if (!response.ok || !body || (typeof body === 'object' && 'error' in body)) {
    throw body && typeof body === 'object' && 'error' in body ? body.error : { code: 'internal', message: `HTTP ${response.status}` };
  }
  return body as T;
}

/** The server's templates (GET /api/templates), with the library's when a key is given. */
export async function listTemplates(key?: string): Promise<TemplateSummary[]> {
  return (await templateApi<{ templates: TemplateSummary[] }>('/api/templates', { key })).templates;
}

/** One template of the server (GET /api/templates/:id); rejects with the server's error. */
export function fetchTemplate(id: string, key?: string): Promise<WorkshopTemplate> {
  return templateApi<WorkshopTemplate>(`/api/templates/${encodeURIComponent(id)}`, { key });
}

/** Saves a template into the installation's library (POST /api/templates). */
export function saveToLibrary(template: WorkshopTemplate, key: string): Promise<TemplateSummary> {
  return templateApi<TemplateSummary>('/api/templates', { method: 'POST', body: JSON.stringify(template), key });
}

/** Why a chosen file is not a template this version reads; the server checks the rest. */
export type TemplateFileProblem = 'tooLarge' | 'notJson' | 'notTemplate' | 'otherVersion';

/** What a template file holds, as far as the browser checks it before sending. */
export type TemplateFile = { ok: true; template: WorkshopTemplate } | { ok: false; problem: TemplateFileProblem };

/**
 * Reads a template file chosen by the person. Only the outline is checked here (JSON, kind,
 * version); the server checks every field when the workshop is created and names a bad one.
 */
export async function readTemplateFile(file: Blob): Promise<TemplateFile> {
  // Leave room for the other fields of the create request within the body limit.
  if (file.size > LIMITS.httpBodyBytes - 16 * 1024) return { ok: false, problem: 'tooLarge' };
  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch {
    return { ok: false, problem: 'notJson' };
  }
  if (!data || typeof data !== 'object' || (data as { kind?: unknown }).kind !== TEMPLATE_KIND) return { ok: false, problem: 'notTemplate' };
  if ((data as { formatVersion?: unknown }).formatVersion !== TEMPLATE_FORMAT_VERSION) return { ok: false, problem: 'otherVersion' };
  return { ok: true, template: data as WorkshopTemplate };
}

/** A file name for a template: its name in letters and digits, with the template suffix. */
export function templateFileName(name: string): string {
  const base = name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'workshop';
  return `${base}.werkraum-template.json`;
}

/** Offers a template as a JSON file to save. */
export function downloadTemplate(template: WorkshopTemplate): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([`${JSON.stringify(template, null, 2)}\n`], { type: 'application/json' }));
  link.download = templateFileName(template.name);
  link.click();
  URL.revokeObjectURL(link.href);
}

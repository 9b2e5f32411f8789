import type { ProtocolError } from '@werkraum/shared/errors';
import { TEMPLATE_FORMAT_VERSION, TEMPLATE_KIND, type TemplateSummary, type WorkshopTemplate } from '@werkraum/shared/protocol';
import { LIMITS } from '@werkraum/shared/limits';

/** The server's templates (GET /api/templates); empty when the server cannot be reached. */
export async function listTemplates(): Promise<TemplateSummary[]> {
  try {
    const response = await fetch('/api/templates');
    if (!response.ok) return [];
    const body = (await response.json()) as { templates?: TemplateSummary[] };
    return body.templates ?? [];
  } catch {
    return [];
  }
}

/** One template of the server (GET /api/templates/:id); rejects with the server's error. */
export async function fetchTemplate(id: string): Promise<WorkshopTemplate> {
  let response: Response;
  try {
    response = await fetch(`/api/templates/${encodeURIComponent(id)}`);
  } catch {
    throw { code: 'timeout', message: 'The server cannot be reached.' };
  }
  const body = (await response.json().catch(() => null)) as WorkshopTemplate | { error: ProtocolError } | null;
  if (!response.ok || !body || 'error' in body) throw (body && 'error' in body ? body.error : { code: 'internal', message: `HTTP ${response.status}` });
  return body;
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

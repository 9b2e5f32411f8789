import type { ProtocolError } from '@werkraum/shared/errors';
import type { AttachmentView, DocumentationFormat, DocumentationSection } from '@werkraum/shared/protocol';
import { loadIdentity } from '../../realtime/identity.js';
import { FORMAT_EXTENSIONS, exportQuery, fileNameFromDisposition } from './files.js';

/** A refused or failed HTTP request with the server's error code (or `timeout` when unreachable). */
export class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The credentials of this browser's person in a workshop for the HTTP API: the person token the
 * browser keeps since joining (facilitators any time, participants once the documentation is
 * published). The server decides what the person's role may read.
 */
function authorization(workshopId: string): Record<string, string> {
  const identity = loadIdentity(workshopId);
  return identity ? { Authorization: `Bearer ${identity.personToken}` } : {};
}

async function failure(response: Response): Promise<HttpError> {
  const body = (await response.json().catch(() => null)) as { error?: ProtocolError } | null;
  return new HttpError(body?.error?.code ?? 'internal', body?.error?.message ?? `HTTP ${response.status}`, response.status);
}

async function send(url: string, init: RequestInit, workshopId: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal, headers: { ...authorization(workshopId), ...(init.headers ?? {}) } });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new HttpError('timeout', 'The server cannot be reached.', 0);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

/** What an export asks for. */
export interface ExportOptions {
  format: DocumentationFormat;
  lang: string;
  exclude: readonly DocumentationSection[];
  /** One earlier date of a series; the current date when absent. */
  dateId?: string;
}

/** A rendered documentation file. */
export interface ExportedFile {
  blob: Blob;
  fileName: string;
}

/** The documentation in one format, with the file name the server gives it. */
export async function exportDocumentation(workshopId: string, options: ExportOptions, signal?: AbortSignal): Promise<ExportedFile> {
  const response = await send(`/api/workshops/${encodeURIComponent(workshopId)}/documentation?${exportQuery(options)}`, {}, workshopId, signal);
  const blob = await response.blob();
  const fileName = fileNameFromDisposition(response.headers.get('Content-Disposition')) ?? `documentation.${FORMAT_EXTENSIONS[options.format]}`;
  return { blob, fileName };
}

/** The documentation as one HTML page (for the preview and the participants' view). */
export async function documentationHtml(workshopId: string, options: Omit<ExportOptions, 'format'>, signal?: AbortSignal): Promise<string> {
  const { blob } = await exportDocumentation(workshopId, { ...options, format: 'html' }, signal);
  return blob.text();
}

/** The workshop's attachments. */
export async function listAttachments(workshopId: string): Promise<AttachmentView[]> {
  const response = await send(`/api/workshops/${encodeURIComponent(workshopId)}/attachments`, {}, workshopId);
  const body = (await response.json()) as { attachments: AttachmentView[] };
  return body.attachments;
}

/** Downloads one attachment. */
export async function downloadAttachment(workshopId: string, attachment: AttachmentView): Promise<ExportedFile> {
  const response = await send(
    `/api/workshops/${encodeURIComponent(workshopId)}/attachments/${encodeURIComponent(attachment.id)}`,
    {},
    workshopId,
  );
  return { blob: await response.blob(), fileName: fileNameFromDisposition(response.headers.get('Content-Disposition')) ?? attachment.name };
}

/** Removes one attachment. */
export async function deleteAttachment(workshopId: string, attachmentId: string): Promise<void> {
  await send(`/api/workshops/${encodeURIComponent(workshopId)}/attachments/${encodeURIComponent(attachmentId)}`, { method: 'DELETE' }, workshopId);
}

/**
 * Uploads a file as an attachment (multipart, field `file`), telling the progress as a fraction
 * from 0 to 1. XMLHttpRequest, because fetch cannot report upload progress.
 */
export function uploadAttachment(
  workshopId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<AttachmentView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/workshops/${encodeURIComponent(workshopId)}/attachments`);
    for (const [name, value] of Object.entries(authorization(workshopId))) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as (AttachmentView & { error?: undefined }) | { error: ProtocolError } | null;
      if (xhr.status === 201 && body && !body.error) {
        onProgress(1);
        resolve(body as AttachmentView);
      } else {
        const error = (body as { error?: ProtocolError } | null)?.error;
        reject(new HttpError(error?.code ?? (xhr.status === 413 ? 'too_large' : 'internal'), error?.message ?? `HTTP ${xhr.status}`, xhr.status));
      }
    };
    xhr.onerror = () => reject(new HttpError('timeout', 'The server cannot be reached.', 0));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** Hands a file to the browser's download (an object URL on a temporary link). */
export function saveFile({ blob, fileName }: ExportedFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL may go once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

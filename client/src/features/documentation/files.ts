import { DOCUMENTATION_SECTIONS, type DocumentationFormat, type DocumentationSection } from '@werkraum/shared/documentationFormat';

/** Largest attachment the server takes, bytes (25 MB). */
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
/** All attachments of one workshop together, bytes (200 MB). */
export const ATTACHMENTS_TOTAL_MAX_BYTES = 200 * 1024 * 1024;

/** File name extension of each export format. */
export const FORMAT_EXTENSIONS: Record<DocumentationFormat, string> = {
  markdown: 'md',
  html: 'html',
  docx: 'docx',
  pdf: 'pdf',
  zip: 'zip',
};

/**
 * The query of a documentation export: format, language and the sections left out, in the
 * documentation's own order (the server refuses unknown names, so only known ones are sent).
 */
export function exportQuery(options: { format: DocumentationFormat; lang: string; exclude: readonly DocumentationSection[]; dateId?: string | undefined }): string {
  const params = new URLSearchParams({ format: options.format, lang: options.lang });
  const exclude = DOCUMENTATION_SECTIONS.filter((section) => options.exclude.includes(section));
  if (exclude.length > 0) params.set('exclude', exclude.join(','));
  // One earlier date of a series; the current date when absent.
  if (options.dateId) params.set('date', options.dateId);
  return params.toString();
}

/**
 * The file name a download answer names in `Content-Disposition` (RFC 6266: `filename*` in UTF-8
 * before plain `filename`), or null when it names none.
 */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2]) {
    try {
      return safeFileName(decodeURIComponent(extended[2].trim().replace(/^"|"$/g, '')));
    } catch {
      // A broken encoding: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header);
  if (!plain) return null;
  const value = plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : (plain[1] ?? '').trim();
  return safeFileName(value);
}

/** Keeps a file name from naming folders or hidden files; null when nothing is left. */
function safeFileName(name: string): string | null {
  const base = name.split(/[\\/]/).pop()?.replace(/^\.+/, '').trim() ?? '';
  return base.length > 0 ? base : null;
}

/** A file size as people read it ("1,2 MB" in German, "1.2 MB" in English). */
export function formatFileSize(bytes: number, language: string): string {
  const locale = language === 'de' ? 'de-DE' : 'en-GB';
  if (bytes < 1024) return `${new Intl.NumberFormat(locale).format(bytes)} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)} ${units[unit]}`;
}

/** Why a file cannot be uploaded before it is sent, or null when it may go. */
export function uploadProblem(file: { size: number }, alreadyStoredBytes: number): 'empty' | 'tooLarge' | 'quotaExceeded' | null {
  if (file.size === 0) return 'empty';
  if (file.size > ATTACHMENT_MAX_BYTES) return 'tooLarge';
  if (alreadyStoredBytes + file.size > ATTACHMENTS_TOTAL_MAX_BYTES) return 'quotaExceeded';
  return null;
}

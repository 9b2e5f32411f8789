/**
 * The ZIP of a documentation: the HTML, DOCX, PDF (when available) and Markdown with its images,
 * every board as SVG and PNG, and the attachments. Packed with fflate; already compressed parts
 * (PNG, PDF, DOCX, attachments) are stored, text is deflated.
 */
import { zipSync, type Zippable } from 'fflate';

/** One file of the archive. */
export interface ZipEntry {
  path: string;
  data: Uint8Array;
  /** Deflate it (text); stored as is otherwise. */
  compress: boolean;
}

/** A safe, unique path inside the archive (no absolute paths, no `..`, no duplicates). */
function uniquePath(path: string, taken: Set<string>): string {
  const safe = path
    .split('/')
    .map((part) => part.replace(/^\.+/, '_').replace(/[\\:*?"<>|\u0000-\u001f]/g, '_'))
    .filter((part) => part.length > 0)
    .join('/') || 'file';
  let candidate = safe;
  const dot = safe.lastIndexOf('.');
  const stem = dot > safe.lastIndexOf('/') + 0 && dot > 0 ? safe.slice(0, dot) : safe;
  const ext = stem === safe ? '' : safe.slice(dot);
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem}-${n}${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Packs the entries into one ZIP archive. */
export function packZip(entries: readonly ZipEntry[]): Uint8Array {
  const taken = new Set<string>();
  const files: Zippable = {};
  for (const entry of entries) files[uniquePath(entry.path, taken)] = [entry.data, { level: entry.compress ? 6 : 0 }];
  return zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') });
}

import { describe, expect, it } from 'vitest';
import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_TOTAL_MAX_BYTES, exportQuery, fileNameFromDisposition, formatFileSize, uploadProblem } from './files.js';

describe('export query', () => {
  it('names format and language and lists left-out sections in the documentation’s order', () => {
    const query = new URLSearchParams(exportQuery({ format: 'docx', lang: 'en', exclude: ['participants', 'summary'] }));
    expect(query.get('format')).toBe('docx');
    expect(query.get('lang')).toBe('en');
    expect(query.get('exclude')).toBe('summary,participants');
  });

  it('sends no exclude parameter when every section is in', () => {
    expect(new URLSearchParams(exportQuery({ format: 'markdown', lang: 'de', exclude: [] })).has('exclude')).toBe(false);
  });
});

describe('file name of a download', () => {
  it('prefers the UTF-8 name and keeps umlauts', () => {
    expect(fileNameFromDisposition(`attachment; filename="austauschtreffen-2024-11-20.pdf"; filename*=UTF-8''Austausch%C3%BCbersicht.pdf`)).toBe(
      'Austauschübersicht.pdf',
    );
  });

  it('reads a quoted or bare plain name', () => {
    expect(fileNameFromDisposition('attachment; filename="austauschtreffen-2024-11-20.docx"')).toBe('austauschtreffen-2024-11-20.docx');
    expect(fileNameFromDisposition('attachment; filename=werkstatt.md')).toBe('werkstatt.md');
  });

  it('never lets a name point into folders or be hidden', () => {
    expect(fileNameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameFromDisposition(`attachment; filename*=UTF-8''..%2F.bashrc`)).toBe('bashrc');
  });

  it('answers null without a name', () => {
    expect(fileNameFromDisposition(null)).toBeNull();
    expect(fileNameFromDisposition('attachment')).toBeNull();
  });
});

describe('file sizes and upload limits', () => {
  it('writes sizes as people read them in each language', () => {
    expect(formatFileSize(512, 'de')).toBe('512 B');
    expect(formatFileSize(1536, 'en')).toBe('1.5 KB');
    expect(formatFileSize(1.25 * 1024 * 1024, 'de')).toBe('1,3 MB');
    expect(formatFileSize(25 * 1024 * 1024, 'en')).toBe('25 MB');
  });

  it('refuses empty files, files over 25 MB and uploads past 200 MB per workshop before sending them', () => {
    expect(uploadProblem({ size: 0 }, 0)).toBe('empty');
    expect(uploadProblem({ size: ATTACHMENT_MAX_BYTES }, 0)).toBeNull();
    expect(uploadProblem({ size: ATTACHMENT_MAX_BYTES + 1 }, 0)).toBe('tooLarge');
    expect(uploadProblem({ size: 10 }, ATTACHMENTS_TOTAL_MAX_BYTES - 5)).toBe('quotaExceeded');
    expect(uploadProblem({ size: 10 }, ATTACHMENTS_TOTAL_MAX_BYTES - 10)).toBeNull();
  });
});

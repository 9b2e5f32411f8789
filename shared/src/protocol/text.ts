import type { z } from 'zod';

/**
 * Characters free text may not carry: control characters (C0 except tab and line breaks in
 * multi-line text, DEL, C1), the bidirectional overrides and isolates that make text read in
 * another order than it is stored (U+202A-U+202E, U+2066-U+2069), and lone surrogates (half a
 * character, which breaks exports and XML).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_ANYWHERE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const LINE_BREAKS_AND_TABS = /[\t\n\r]/;

/** Whether free text is single-line (names, titles, options) or may have line breaks and tabs. */
export type TextKind = 'line' | 'multiline';

/** Why a text cannot be stored, or undefined when it is fine. */
export function unsafeTextProblem(value: string, kind: TextKind = 'line'): string | undefined {
  if (UNSAFE_ANYWHERE.test(value)) {
    return 'Text cannot contain control characters, direction overrides or broken characters.';
  }
  if (kind === 'line' && LINE_BREAKS_AND_TABS.test(value)) return 'This text must be a single line.';
  return undefined;
}

/**
 * Adds the free-text rule to a string schema: refuses what {@link unsafeTextProblem} names, with
 * its message. Every schema of text people write (titles, descriptions, names, questions, options,
 * messages) goes through this, so stored text shows the same everywhere and exports stay valid.
 */
export function safeText<S extends z.ZodString>(schema: S, kind: TextKind = 'line'): S {
  return schema.superRefine((value, ctx) => {
    const problem = unsafeTextProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) as S;
}

/* The documentation's sections and formats, without the validation library, for the browser bundle. */

/** The sections of the workshop documentation, in the order they appear; each can be left out. */
export const DOCUMENTATION_SECTIONS = ['summary', 'agenda', 'polls', 'breakouts', 'plenary', 'findings', 'nextSteps', 'attachments', 'participants'] as const;
/** One section of the documentation. */
export type DocumentationSection = (typeof DOCUMENTATION_SECTIONS)[number];

/** The file formats the documentation exports to. */
export const DOCUMENTATION_FORMATS = ['markdown', 'html', 'docx', 'pdf', 'zip'] as const;
/** One export format. */
export type DocumentationFormat = (typeof DOCUMENTATION_FORMATS)[number];

/** Longest "compiled by" text, characters. */
export const COMPILED_BY_MAX = 300;

/** Longest "next steps" text ("Wie geht es weiter"), characters. */
export const NEXT_STEPS_MAX = 5000;

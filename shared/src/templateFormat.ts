/**
 * The version of the template file format. A reader refuses any other version; a later format
 * that adds fields gets a new number and a converter from the older ones.
 */
export const TEMPLATE_FORMAT_VERSION = 1;

/** Marks a JSON file as a workshop template, so a wrong file is refused with a clear answer. */
export const TEMPLATE_KIND = 'werkraum.workshop-template';

import type { StateCreator } from 'zustand';
import type { DocumentationState } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** The documentation's settings and publication state as the server last sent them. */
export interface DocumentationSlice {
  /** Null until read (or when this server cannot tell). */
  documentation: DocumentationState | null;
  setDocumentation(documentation: DocumentationState | null): void;
}

/** Creates the documentation slice of the app store. */
export const createDocumentationSlice: StateCreator<AppState, [], [], DocumentationSlice> = (set) => ({
  documentation: null,
  setDocumentation: (documentation) => set({ documentation }),
});

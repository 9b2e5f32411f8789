import type { ProtocolError } from '@werkraum/shared/errors';
import type { WorkshopTemplate } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';

/** What the create form sends (the body of POST /api/workshops). */
export interface CreateWorkshopInput {
  title: string;
  startsAt: string;
  timeZone?: string;
  language: Language;
  description: string;
  moderatorNames: string;
  coModeratorNames: string;
  /** The server's create key, when it requires one. */
  createKey?: string;
  /** Start from this template (agenda, polls, rounds). */
  template?: WorkshopTemplate;
}

/** The answer of POST /api/workshops. */
export interface CreatedWorkshopResponse {
  id: string;
  links: { moderator: string; coModerator: string; participant: string };
  keys: { moderator: string; coModerator: string };
}

/** Creates a workshop through the HTTP API; rejects with the server's error (code, message, field). */
export async function createWorkshop(input: CreateWorkshopInput): Promise<CreatedWorkshopResponse> {
  let response: Response;
  try {
    response = await fetch('/api/workshops', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    throw { code: 'timeout', message: 'The server cannot be reached.' } satisfies Pick<ProtocolError, 'message'> & { code: string };
  }
  const body = (await response.json().catch(() => null)) as
    | (CreatedWorkshopResponse & { error?: undefined })
    | { error: ProtocolError }
    | null;
  if (!response.ok || !body || body.error) {
    throw body?.error ?? { code: 'internal', message: `HTTP ${response.status}` };
  }
  return body;
}

/** Whether this server requires a create key (`createKeyRequired` of GET /api/health); false when unknown. */
export async function createKeyRequired(): Promise<boolean> {
  try {
    const response = await fetch('/api/health');
    const body = (await response.json()) as { createKeyRequired?: unknown };
    return body.createKeyRequired === true;
  } catch {
    return false;
  }
}

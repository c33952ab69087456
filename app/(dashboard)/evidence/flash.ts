import type { FieldName, FormProblem } from './form';

/**
 * Why the last export was refused, for the form to show once it is back: set by the route
 * handler, read by the page only when the URL's `attempt` matches, so a link cannot put its own
 * words on the page.
 */
export const FLASH_COOKIE = 'evidence-export-error';

export type Flash = FormProblem & { attempt: string };

export function encodeFlash(flash: Flash): string {
  return Buffer.from(JSON.stringify(flash), 'utf8').toString('base64url');
}

export function decodeFlash(value: string | undefined, attempt: string): Flash | null {
  if (!value || !attempt) return null;
  try {
    const flash = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Flash>;
    if (flash.attempt !== attempt || typeof flash.error !== 'string') return null;
    return {
      attempt,
      error: flash.error.slice(0, 1000),
      field: typeof flash.field === 'string' ? (flash.field as FieldName) : null,
    };
  } catch {
    return null;
  }
}

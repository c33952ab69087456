/**
 * An expected refusal (bad request, business rule) with a message for the person acting.
 * Actions and route handlers report it; anything else is a bug and goes to error.tsx.
 */
export class ExpectedError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ExpectedError';
  }
}

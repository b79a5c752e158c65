/** A mistake in what the user typed: one line on stderr and exit code 2, never a stack trace. */
export class UsageError extends Error {}

export const EXIT_USAGE = 2;
export const EXIT_TOOL = 1;

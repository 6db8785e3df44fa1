/**
 * cdktf records a full stack trace for every token it creates (each reference to another resource's attribute:
 * a membership's user name, a password output), only to say where a token was made should it later fail to
 * resolve. `App({ stackTraces: false })` turns off the construct stack traces but not these; with a thousand
 * people per environment they are a tenth of synth. While `build` runs, those records come back empty.
 *
 * cdktf captures them on a plain object (`Error.captureStackTrace({ stack: '' })`), so real errors are told
 * apart by being Errors: they keep their stack, formatted as before.
 */
export function withoutTokenCreationStacks<T>(build: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return '';
    return previous ? previous(error, frames) : defaultStack(error, frames);
  };
  try {
    return build();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** V8's own format, used when nothing else had set Error.prepareStackTrace. */
function defaultStack(error: Error, frames: readonly NodeJS.CallSite[]): string {
  return `${String(error)}${frames.map((frame) => `\n    at ${String(frame)}`).join('')}`;
}

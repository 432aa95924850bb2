import type { Log } from '../shared/observability.ts';
import { MalformedAssemblyEvent, runAssemblyEvent, type AssemblyAnswer, type AssemblyDeps } from './request.ts';

/**
 * The assembly function: invoked synchronously (RequestResponse) by the HTTP API function only (its
 * resource policy names that function's role), with a request the API has already authorized
 * (./request.ts). A malformed event is refused before anything is read or written: the invocation
 * fails (FunctionError), which the API answers as a system fault (500).
 */
export const makeHandler =
  (deps: AssemblyDeps & { readonly logger: Log }) =>
  async (event: unknown): Promise<AssemblyAnswer> => {
    try {
      return await runAssemblyEvent(deps, event);
    } catch (error) {
      if (error instanceof MalformedAssemblyEvent) deps.logger.error('Refused a malformed assembly event', { problems: error.problems });
      throw error;
    }
  };

let cached: ((event: unknown) => Promise<AssemblyAnswer>) | undefined;

/** The Lambda entry point; ./deps.ts is imported lazily (once per container) so tests of `makeHandler` never load it. */
export const handler = async (event: unknown): Promise<AssemblyAnswer> => {
  cached ??= makeHandler((await import('./deps.ts')).createDeps());
  return cached(event);
};

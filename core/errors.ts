/**
 * Exceptions are for bugs, misconfiguration and infrastructure faults. Bad monitoring data is never
 * thrown: it becomes a {@link Diagnostic} in the report (see core/validation/diagnostic.ts).
 *
 * `expose` says whether the message may be shown to an end user as is (true for configuration
 * problems the user can fix; false for infrastructure faults, which are logged in full and shown as
 * a generic message).
 */
export class MrvError extends Error {
  override name = 'MrvError';
  readonly code: string;
  readonly expose: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; expose?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.expose = options.expose ?? true;
  }
}

/** A methodology module is malformed. Lists every problem found at load, not just the first. */
export class MethodologyDefinitionError extends MrvError {
  override name = 'MethodologyDefinitionError';
  readonly problems: readonly string[];
  constructor(key: string, problems: readonly string[]) {
    super('methodology.definition', `Methodology ${key} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * A registered methodology module could not be loaded (its definition threw). The other modules keep
 * working; a command that needs this one is refused with this message (exit 2), never a stack trace.
 */
export class MethodologyLoadError extends MrvError {
  override name = 'MethodologyLoadError';
  constructor(key: string, reason: string) {
    super(
      'methodology.load_failed',
      `Methodology ${key} failed to load, so it cannot be used until its module is fixed (mrv methodology check ${key}):\n${reason}`,
    );
  }
}

/** `{id, version}` is not in the registry. There is never a silent "latest" fallback. */
export class UnknownMethodologyError extends MrvError {
  override name = 'UnknownMethodologyError';
  constructor(key: string, known: readonly string[]) {
    super('methodology.unknown', `Methodology ${key} is not registered. Registered: ${known.join(', ') || '(none)'}.`);
  }
}

/** A project registration, GWP choice or other configuration cannot be used as given. */
export class ConfigError extends MrvError {
  override name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super('config.invalid', problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.problems = problems;
  }
}

/** A gas is not covered by the GWP set in force (e.g. NF3 under IPCC SAR). Never a silent zero. */
export class GwpNotDefinedError extends ConfigError {
  override name = 'GwpNotDefinedError';
  constructor(gas: string, set: string, why: string) {
    super(
      `${gas} has no global warming potential in IPCC ${set} (${why}). ${gas} cannot be converted to tCO2e under this set: pin a set that covers it in the project registration, or check the monitoring period.`,
    );
  }
}

/** A call to an external system failed (S3, SQS, DynamoDB). Retryable; never shown verbatim to users. */
export class PortError extends MrvError {
  override name = 'PortError';
  constructor(message: string, cause: unknown) {
    super('port.failure', message, { cause, expose: false });
  }
}

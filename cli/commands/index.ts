import type { Command } from './types.ts';

/**
 * One line of `mrv --help` and the way to load the command. The command's module — and with it its
 * libraries (AWS SDK, local stack, exceljs, the methodology modules) — is imported only when that
 * command runs: `mrv gwp` never loads the AWS SDK. Every path is a literal (no import path built from
 * a name), so bundlers see each one; test/cli/commands-index.test.ts checks that each summary here
 * matches the command's own.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** Every `mrv` command, in the order `mrv --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'Run the whole pipeline locally (S3, SQS, DynamoDB emulators) on the bundled samples',
    load: async () => (await import('./start.ts')).startCommand,
  },
  { name: 'calc', summary: 'Validate a monitoring file and calculate BE, PE, LE and ER per gas', load: async () => (await import('./calc.ts')).calcCommand },
  {
    name: 'validate',
    summary: 'Validate a monitoring file against its methodology (no totals)',
    load: async () => (await import('./calc.ts')).validateCommand,
  },
  { name: 'methodologies', summary: 'List the registered methodology modules', load: async () => (await import('./methodologies.ts')).methodologiesCommand },
  {
    name: 'methodology',
    summary: 'Show, check, scaffold or document a methodology module (show | check | new | doc)',
    load: async () => (await import('./methodologies.ts')).methodologyCommand,
  },
  {
    name: 'template',
    summary: 'Write a sample project.json and a monitoring file with the right header for a methodology',
    load: async () => (await import('./methodologies.ts')).templateCommand,
  },
  { name: 'gwp', summary: 'Show the 100-year GWP of a gas (one set, or all four), with its source', load: async () => (await import('./gwp.ts')).gwpCommand },
  {
    name: 'project',
    summary: 'Register (versioned), list and show projects in the pipeline (projects table)',
    load: async () => (await import('./project.ts')).projectCommand,
  },
  {
    name: 'upload',
    summary: 'Upload a monitoring file for a registered project (the pipeline validates it)',
    load: async () => (await import('./upload.ts')).uploadCommand,
  },
  {
    name: 'report',
    summary: 'Monitoring reports: assemble accepted uploads for a period, show a report',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  {
    name: 'review',
    summary: 'Verifier review queue: list, next, show, approve, reject, requeue',
    load: async () => (await import('./review.ts')).reviewCommand,
  },
  {
    name: 'ledger',
    summary: "List a project's hash-chained ledger of approved periods, or verify the chain",
    load: async () => (await import('./ledger.ts')).ledgerCommand,
  },
  { name: 'audit', summary: "Export or verify a project's hash-chained audit trail", load: async () => (await import('./audit.ts')).auditCommand },
  {
    name: 'access',
    summary: 'Registrar: assign verification bodies to projects, list the access register',
    load: async () => (await import('./access.ts')).accessCommand,
  },
  {
    name: 'login',
    summary: 'Sign in with your Cognito account (browser, MFA); commands then use the HTTP API as you',
    load: async () => (await import('./login.ts')).loginCommand,
  },
  {
    name: 'logout',
    summary: 'End the Cognito login of mrv login: revoke the refresh token and remove the stored tokens',
    load: async () => (await import('./login.ts')).logoutCommand,
  },
  {
    name: 'whoami',
    summary: 'Who mrv acts as: the Cognito login (and its record in the access register) or IAM credentials',
    load: async () => (await import('./login.ts')).whoamiCommand,
  },
];

export function findCommand(name: string, _rest: readonly string[]): { command: CommandEntry; consumed: number } | undefined {
  const command = COMMANDS.find((c) => c.name === name);
  return command ? { command, consumed: 0 } : undefined;
}

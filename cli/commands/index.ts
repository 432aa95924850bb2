import type { Command } from './types.ts';
import { calcCommand, validateCommand } from './calc.ts';
import { gwpCommand } from './gwp.ts';
import { methodologiesCommand, methodologyCommand, templateCommand } from './methodologies.ts';
import { startCommand } from './start.ts';
import { projectCommand } from './project.ts';
import { uploadCommand } from './upload.ts';
import { reviewCommand } from './review.ts';
import { ledgerCommand } from './ledger.ts';

/** Every `mrv` command, in the order `mrv --help` lists them. A static list: no dynamic loading. */
export const COMMANDS: readonly Command[] = [startCommand, calcCommand, validateCommand, methodologiesCommand, methodologyCommand, templateCommand, gwpCommand, projectCommand, uploadCommand, reviewCommand, ledgerCommand];

export function findCommand(name: string, _rest: readonly string[]): { command: Command; consumed: number } | undefined {
  const command = COMMANDS.find((c) => c.name === name);
  return command ? { command, consumed: 0 } : undefined;
}

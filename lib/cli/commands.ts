/**
 * The explicit list of `lsrm` commands (no reflection): add a command by importing its module
 * and appending it here.
 */
import type { Command } from './command';
import { dataCommand } from './data';
import { evalCommand } from './eval';
import { trainCommand } from './train';

export const COMMANDS: Command[] = [dataCommand, evalCommand, trainCommand];

/**
 * The explicit list of `lsrm` commands (no reflection): add a command by importing its module
 * and appending it here.
 */
import type { Command } from './command';
import { dataCommand } from './data';
import { evalCommand } from './eval';
import { trainCommand } from './train';
import { figuresCommand } from './figures';
import { reproduceCommand } from './reproduce';
import { kernelCommand } from './kernel';
import { paramsCommand } from './params';
import { benchCommand } from './bench';
import { runsCommand } from './runs';
import { sweepCommand } from './sweep';
import { fitCommand } from './fit';
import { taskCommand } from './task';

export const COMMANDS: Command[] = [dataCommand, evalCommand, trainCommand, figuresCommand, reproduceCommand, kernelCommand, paramsCommand, benchCommand, runsCommand, sweepCommand, fitCommand, taskCommand];

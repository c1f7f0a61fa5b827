// Every CLI subcommand, one module each (CONVENTIONS §9). A command registers itself on the
// program and reports its exit code through setExit (errors thrown map to their own codes).

import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';
import { registerCheckpoint } from './checkpoint.js';

export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [registerCheckpoint];

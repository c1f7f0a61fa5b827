// Every CLI subcommand, one module each (CONVENTIONS §9). A command registers itself on the
// program and reports its exit code through setExit (errors thrown map to their own codes).

import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';
import { registerCheckpoint } from './checkpoint.js';
import { registerBackup } from './backup.js';
import { registerBackups } from './backups.js';
import { registerCompact } from './compact.js';
import { registerInfo } from './info.js';
import { registerRestore } from './restore.js';
import { registerVerify } from './verify.js';
import { registerConfig } from './config.js';
import { registerHealth } from './health.js';
import { registerMetrics } from './metrics.js';
import { registerUser } from './user.js';
import { registerAudit } from './audit.js';
import { registerRekey } from './rekey.js';
import { registerConsole } from './console.js';
import { registerDemo } from './demo.js';
import { registerShell } from './shell.js';
import { registerRepair } from './repair.js';
import { registerSalvage } from './salvage.js';
import { registerImport } from './import.js';
import { registerExport } from './export.js';

export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [registerConsole, registerShell, registerDemo, registerCheckpoint, registerCompact, registerBackup, registerBackups, registerRestore, registerVerify, registerRepair, registerSalvage, registerImport, registerExport, registerInfo, registerHealth, registerMetrics, registerConfig, registerUser, registerAudit, registerRekey];

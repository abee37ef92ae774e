import type { Command } from 'commander';
import type { Db } from '../../db/db.js';
import { systemClock } from '../../lib/clock.js';
import { AuditService, describeVerify } from '../../modules/audit/audit.service.js';
import { withDb } from '../runtime.js';

/** Walks the audit chain and prints OK or the first broken record; returns the exit code. */
export async function auditVerify(db: Db, write: (line: string) => void, key?: string): Promise<number> {
  const result = await new AuditService(db, systemClock, undefined, { key }).verify();
  write(describeVerify(result));
  return result.ok ? 0 : 1;
}

/** `civicgrid audit verify`: exits 1 and names the first broken record when the chain was tampered with. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description('Recompute the hash chain and name the first edited, deleted or reordered record')
    .action(async () => {
      await withDb(async ({ db, config }) => {
        process.exitCode = await auditVerify(
          db,
          (line) => process.stdout.write(`${line}\n`),
          config.auditKey,
        );
      });
    });
}

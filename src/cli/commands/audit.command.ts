import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import type { Db } from '../../db/db.js';
import { systemClock } from '../../lib/clock.js';
import {
  AuditService,
  CheckpointDir,
  describeCheckpointVerify,
  describeVerify,
  verifyWithCheckpoints,
} from '../../modules/audit/index.js';
import { CliFailure, withDb } from '../runtime.js';

/** What `--checkpoints` compares the database with. */
export interface CheckpointSource {
  dir: string;
  /** AUDIT_VERIFY_KEY(s), or the public half of the signing key. */
  verifyKeys: readonly KeyObject[];
}

/**
 * Walks the audit chain and prints OK or the first broken record; with checkpoints, also checks
 * each checkpoint's signature and that the database still holds what each one signed. Returns the
 * exit code (1 on any failure).
 */
export async function auditVerify(
  db: Db,
  write: (line: string) => void,
  key?: string,
  checkpoints?: CheckpointSource,
): Promise<number> {
  const audit = new AuditService(db, systemClock, undefined, { key });
  if (!checkpoints) {
    const result = await audit.verify();
    write(describeVerify(result));
    return result.ok ? 0 : 1;
  }
  if (checkpoints.verifyKeys.length === 0)
    throw new CliFailure(
      '--checkpoints needs AUDIT_VERIFY_KEY (or AUDIT_VERIFY_KEY_FILE): the public checkpoint key',
    );
  const result = await verifyWithCheckpoints(
    audit,
    db,
    new CheckpointDir(checkpoints.dir),
    checkpoints.verifyKeys,
  );
  for (const line of describeCheckpointVerify(result, checkpoints.dir)) write(line);
  return result.ok ? 0 : 1;
}

/** `civicgrid audit verify [--checkpoints DIR]`: exits 1 and names the first broken record. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description('Recompute the hash chain and name the first edited, deleted or reordered record')
    .option(
      '--checkpoints <dir>',
      'also compare with the signed checkpoints in this directory (AUDIT_CHECKPOINT_DIR); names the first record where they disagree',
    )
    .action(async (opts: { checkpoints?: string }) => {
      await withDb(async ({ db, config }) => {
        process.exitCode = await auditVerify(
          db,
          (line) => process.stdout.write(`${line}\n`),
          config.auditKey,
          opts.checkpoints
            ? { dir: path.resolve(opts.checkpoints), verifyKeys: config.auditVerifyKeys }
            : undefined,
        );
      });
    });
}

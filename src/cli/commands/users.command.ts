import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { CLI_ACTOR, ROLES, type RoleName } from '../../kernel/actor.js';
import type { Services } from '../../server/modules.js';
import { CliFailure, fail, withServices } from '../runtime.js';

function role(v: string): RoleName {
  if (!(ROLES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
  return v as RoleName;
}

/** Reads a password from the PASSWORD env var or the first line of stdin (never from argv). */
function readPassword(): string {
  const fromEnv = process.env.CIVICGRID_PASSWORD;
  if (fromEnv) return fromEnv;
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') fail('give the password on stdin (or in CIVICGRID_PASSWORD)');
  return line;
}

async function userIdOf(s: Services, username: string): Promise<number> {
  const page = await s.users.list(CLI_ACTOR, { q: username, limit: 50, offset: 0 }, 'manage');
  const found = page.items.find((u) => u.user.username === username);
  if (!found) throw new CliFailure(`no user named ${username}`);
  return found.user.id;
}

/** `civicgrid users add|list|grant|revoke|passwd`: the admin use cases, audited as system actor "cli". */
export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('Users and their role grants');
  users
    .command('add <username> <displayName>')
    .description('Create a user; the password is read from stdin or CIVICGRID_PASSWORD')
    .option('--role <role>', 'grant a role', role)
    .option('--area <code>', 'area of the grant (omit for the whole city)')
    .option('--department <code>', 'department of a dept_handler grant')
    .option('--phone <number>', 'mobile number (stored encrypted)')
    .option('--no-password', 'no password (one-time-code sign-in only)')
    .action(
      async (
        username: string,
        displayName: string,
        o: { role?: RoleName; area?: string; department?: string; phone?: string; password: boolean },
      ) => {
        const password = o.password ? readPassword() : undefined;
        await withServices(async (s) => {
          const created = await s.users.create(CLI_ACTOR, {
            username,
            displayName,
            ...(password ? { password } : {}),
            ...(o.phone ? { phone: o.phone } : {}),
            grants: o.role
              ? [{ role: o.role, areaCode: o.area ?? null, departmentCode: o.department ?? null }]
              : [],
          });
          process.stdout.write(`created user ${created.user.username} (id ${created.user.id})\n`);
        });
      },
    );
  users
    .command('list')
    .description('List users with their grants')
    .option('--role <role>', 'only users holding this role', role)
    .option('--area <code>', 'only users with a grant inside this area')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .action(async (o: { role?: RoleName; area?: string; limit: number }) => {
      await withServices(async (s) => {
        const page = await s.users.list(
          CLI_ACTOR,
          {
            ...(o.role ? { role: o.role } : {}),
            ...(o.area ? { area: o.area } : {}),
            limit: o.limit,
            offset: 0,
          },
          'manage',
        );
        // Names and grants of staff leave the system: audited before they are printed.
        await s.audit.recordRelease({
          actor: CLI_ACTOR,
          action: 'user.export',
          resourceType: 'users',
          resourceId: 'list',
          areaCode: o.area ?? null,
          details: { role: o.role ?? null, area: o.area ?? null, limit: o.limit, shown: page.items.length },
        });
        for (const { user, grants } of page.items) {
          const g = grants
            .map((x) => `${x.role}@${x.areaCode ?? x.departmentCode ?? 'city'}#${x.id}`)
            .join(' ');
          process.stdout.write(`${user.id}\t${user.username}\t${user.status}\t${g}\n`);
        }
        process.stdout.write(`${page.items.length} of ${page.total} users\n`);
      });
    });
  users
    .command('grant')
    .description('Grant a role in an area (or city-wide) or a department')
    .argument('<username>')
    .argument('<role>', ROLES.join(' | '), role)
    .option('--area <code>', 'area code (omit for the whole city)')
    .option('--department <code>', 'department (dept_handler)')
    .action(async (username: string, r: RoleName, o: { area?: string; department?: string }) => {
      await withServices(async (s) => {
        const g = await s.users.addGrant(CLI_ACTOR, await userIdOf(s, username), {
          role: r,
          areaCode: o.area ?? null,
          departmentCode: o.department ?? null,
        });
        process.stdout.write(`granted ${g.role} to ${username} (grant ${g.id})\n`);
      });
    });
  users
    .command('revoke <username> <grantId>')
    .description('Revoke a grant (ids are shown by `users list`)')
    .action(async (username: string, grantId: string) => {
      await withServices(async (s) => {
        const g = await s.users.revokeGrant(CLI_ACTOR, await userIdOf(s, username), Number(grantId));
        process.stdout.write(`revoked ${g.role} grant ${g.id} of ${username}\n`);
      });
    });
  users
    .command('passwd <username>')
    .description('Set a password (read from stdin or CIVICGRID_PASSWORD); ends the user’s sessions')
    .action(async (username: string) => {
      const password = readPassword();
      await withServices(async (s) => {
        await s.users.update(CLI_ACTOR, await userIdOf(s, username), { password });
        process.stdout.write(`password of ${username} changed\n`);
      });
    });
}

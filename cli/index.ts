import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeDb, getDbHandle } from '@/db/client';
import { AppError } from '@/lib/errors';
import { pruneHistory } from '@/lib/retention';
import { CONFLICT_CHOICES, type ConflictChoice } from '@/lib/transfer/schema';
import { exportAutomations, importAutomations } from '@/lib/transfer/transfer';
import { createApiToken } from '@/lib/users/api-tokens';
import { createUser, findUserByEmail, listUsers, setPassword } from '@/lib/users/users';

const HELP = `Hookline command line

Usage: npm run cli -- <command> [options]

Commands:
  user create --email E --password P [--name N] [--admin]   Create a user (a member unless --admin)
  user list                                               List users
  user set-password --email E --password P                Set a user's password (ends their sessions)
  token create --email E [--name N]                       Create an API token; prints it as the last line
  prune [--days D]                                        Delete history older than the retention period
  export --email E [--id ID ...] [--out F]                Export a user's automations (and their hooks, no
                                                          secrets) as JSON, to F or standard output
  import --email E --file F [--on-conflict skip|rename]   Import an export; a taken name is skipped (default)
                                                          or imported as "name (2)", never overwritten
  backup <file>                                           Online backup of the database (safe while running)
  --help                                                  Show this help

Environment: DATABASE_URL (default file:./data/hookline.db)
Operator's guide: docs/operations.md`;

class UsageError extends Error {}

function userByEmail(email: string) {
  const user = findUserByEmail(email);
  if (!user) throw new UsageError(`No user with the email ${email}`);
  return user;
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`Missing --${name}`);
  return v;
}

async function main(argv: string[]): Promise<void> {
  const [command, sub] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return;
  }
  const single = ['prune', 'export', 'import', 'backup'].includes(command);
  const rest = argv.slice(single ? 1 : 2);
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: command === 'backup',
    options: {
      id: { type: 'string', multiple: true },
      out: { type: 'string' },
      file: { type: 'string' },
      'on-conflict': { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      days: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const key = single ? command : `${command} ${sub ?? ''}`.trim();
  switch (key) {
    case 'user create': {
      const user = await createUser({
        email: required(values, 'email'),
        password: required(values, 'password'),
        name: values.name ?? '',
        role: values.admin ? 'admin' : 'member',
      });
      console.log(`Created ${user.role} ${user.email} (${user.id})`);
      return;
    }
    case 'user list': {
      for (const u of listUsers())
        console.log(`${u.id}\t${u.email}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
      return;
    }
    case 'user set-password': {
      const email = required(values, 'email');
      const user = findUserByEmail(email);
      if (!user) throw new UsageError(`No user with the email ${email}`);
      await setPassword(user.id, required(values, 'password'));
      console.log(`Password set for ${user.email}`);
      return;
    }
    case 'token create': {
      const email = required(values, 'email');
      const user = findUserByEmail(email);
      if (!user) throw new UsageError(`No user with the email ${email}`);
      const { token, info } = createApiToken(user.id, values.name ?? 'CLI token');
      console.log(`Created API token "${info.name}" for ${user.email}. Store it now; it is not shown again:`);
      console.log(token);
      return;
    }
    case 'prune': {
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && !(days > 0)) throw new UsageError('--days must be a positive number');
      const result = await pruneHistory({ days });
      console.log(`Pruned ${result.events} events (with their runs) and ${result.dedupeKeys} dedupe keys`);
      return;
    }
    case 'export': {
      const user = userByEmail(required(values, 'email'));
      const text = `${JSON.stringify(exportAutomations(user, values.id ?? null), null, 2)}\n`;
      if (values.out) {
        fs.writeFileSync(values.out, text);
        console.error(`Exported to ${values.out}`);
      } else process.stdout.write(text);
      return;
    }
    case 'import': {
      const user = userByEmail(required(values, 'email'));
      const onConflict = values['on-conflict'] ?? 'skip';
      if (!(CONFLICT_CHOICES as readonly string[]).includes(onConflict)) {
        throw new UsageError('--on-conflict must be skip or rename');
      }
      const file = required(values, 'file');
      const result = importAutomations(user, fs.readFileSync(file, 'utf8'), {
        onConflict: onConflict as ConflictChoice,
      });
      for (const h of result.hooks) {
        const created = result.created.hooks.find((c) => c.key === h.key);
        console.log(
          created
            ? `hook "${created.name}" created (${created.id})${h.secretRequired ? ': set its verification secret; it rejects requests until then' : ''}`
            : `hook "${h.name}" exists: automations use it`,
        );
      }
      for (const a of result.automations) {
        const created = result.created.automations.find((c) => c.name === a.importAs);
        if (!created) console.log(`automation "${a.name}" skipped: the name is taken`);
        else {
          console.log(`automation "${created.name}" imported (${created.id})`);
          if (a.signingSecretsOmitted > 0) {
            console.log(
              `  ${a.signingSecretsOmitted} action(s) were signed: enter their signing secrets again`,
            );
          }
        }
      }
      console.log(
        `Imported ${result.created.automations.length} automation(s) and ${result.created.hooks.length} hook(s)`,
      );
      return;
    }
    case 'backup': {
      const target = positionals[0];
      if (!target) throw new UsageError('Missing the backup file: npm run cli -- backup <file>');
      const resolved = path.resolve(target);
      if (fs.existsSync(resolved)) throw new UsageError(`${resolved} exists; choose a new file name`);
      // SQLite's online backup API: a consistent copy while the server keeps reading and writing.
      await getDbHandle().sqlite.backup(resolved);
      console.log(`Backed up ${getDbHandle().path} to ${resolved}`);
      console.log(
        'Keep HOOKLINE_ENCRYPTION_KEY (or secrets.env beside the database) too: without it, secrets cannot be decrypted.',
      );
      return;
    }
    default:
      throw new UsageError(`Unknown command: ${argv.join(' ')}`);
  }
}

main(process.argv.slice(2))
  .then(() => {
    closeDb();
  })
  .catch((error: unknown) => {
    if (error instanceof UsageError || error instanceof AppError) {
      console.error(`Error: ${error.message}`);
      if (error instanceof UsageError) console.error('Run `npm run cli -- --help` for usage.');
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`Error: ${error.message}`);
    } else {
      console.error(error);
    }
    closeDb();
    process.exitCode = 1;
  });

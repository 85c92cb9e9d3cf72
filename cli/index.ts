import { parseArgs } from 'node:util';
import { closeDb } from '@/db/client';
import { AppError } from '@/lib/errors';
import { pruneHistory } from '@/lib/retention';
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
  --help                                                  Show this help

Environment: DATABASE_URL (default file:./data/hookline.db)`;

class UsageError extends Error {}

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
  const rest = argv.slice(command === 'prune' ? 1 : 2);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
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
  const key = command === 'prune' ? 'prune' : `${command} ${sub ?? ''}`.trim();
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

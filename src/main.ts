// The `orgstack` command: reads the command, hands it to its file under src/cli/ (`serve` is
// src/server.ts), and turns failures into a message and an exit code — 2 for bad usage, an
// invalid configuration or a database held by a server; 1 for a refused operation.
import { ConfigError, loadConfig } from './config.ts';
import { DatabaseBusyError } from './db/open.ts';
import { AppError } from './platform/errors.ts';
import { auditCommand } from './cli/audit.ts';
import { isParseArgsError, UsageError, withDatabase } from './cli/common.ts';
import { demoCommand, demoOptions } from './cli/demo.ts';
import { HELP } from './cli/help.ts';
import { keysCommand } from './cli/keys.ts';
import { migrateCommand } from './cli/migrate.ts';
import { usersCommand } from './cli/users.ts';
import { serve } from './server.ts';

/** Runs one command; the exit code, or -1 while the server keeps running. */
export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve':
        await serve(config);
        return -1; // keep running
      case 'migrate':
        await migrateCommand(config);
        return 0;
      case 'keys':
        await withDatabase(config, (db) => keysCommand(db, rest));
        return 0;
      case 'users':
        await withDatabase(config, (db) => usersCommand(db, rest));
        return 0;
      case 'audit':
        await withDatabase(config, (db) => auditCommand(db, rest));
        return 0;
      case 'demo': {
        const options = demoOptions(rest);
        await withDatabase(config, (db) => demoCommand(config, db, options));
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DatabaseBusyError || isParseArgsError(err)) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof AppError) {
      const details = err.fieldErrors ? Object.entries(err.fieldErrors).map(([f, m]) => `\n  ${f}: ${m.join('; ')}`).join('') : '';
      console.error(`${err.message}${details}`);
      return 1;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);

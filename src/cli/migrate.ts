// `orgstack migrate`: apply the database migrations and exit (withDatabase migrates every time).
import type { Config } from '../config.ts';
import { withDatabase } from './common.ts';

export async function migrateCommand(config: Config) {
  await withDatabase(config, async () => console.log('Migrations applied.'));
}

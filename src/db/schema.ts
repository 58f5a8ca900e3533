// Every table of every module, so drizzle-kit sees one schema and one migration history.
export * from '../platform/tables.ts';
export * from '../reviews/tables.ts';
export * from '../work/tables.ts';
export * from '../webhooks/tables.ts';
export * from '../oauth/tables.ts';

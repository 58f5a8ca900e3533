// Every table of every module, so drizzle-kit sees one schema and one migration history.
export * from '../platform/schema.ts';
export * from '../reviews/schema.ts';
export * from '../work/schema.ts';

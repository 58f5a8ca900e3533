// The modules this server runs, in the order their operations are published.
import type { Module } from './platform/module.ts';
import { reviewsModule } from './reviews/module.ts';
import { workModule } from './work/module.ts';
import { webhooksModule } from './webhooks/module.ts';

export const MODULES: readonly Module[] = [reviewsModule, workModule, webhooksModule];

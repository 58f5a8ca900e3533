#!/usr/bin/env node
// The `orgstack` command. Sources are TypeScript, run through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

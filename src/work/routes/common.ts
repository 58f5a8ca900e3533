// What the Work operations' inputs and answers share: status filters and the list envelope. The
// workspace each call acts in is resolved by the /api/client door (platform/apis.ts).
import { z } from 'zod';
import { pageInfo, type Page } from '../../platform/pagination.ts';

/** `?status=a,b`: one or more of `statuses`, comma-separated. */
export const statusFilter = (statuses: readonly string[]) =>
  z
    .string()
    .max(200)
    .refine((v) => v.split(',').every((s) => statuses.includes(s)), `Each must be one of ${statuses.join(', ')}`)
    .optional()
    .describe(`Only these statuses, comma-separated (${statuses.join(', ')})`);

export const statusesOf = <S extends string>(v: string | undefined) => (v ? (v.split(',') as S[]) : undefined);

export const listEnvelope = <T>(items: T[], total: number, page: Page) => ({ ok: true as const, data: items, ...pageInfo(page, total) });

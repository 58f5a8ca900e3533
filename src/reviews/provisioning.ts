// Provisioning (docs/reviews-api-contract.md §7): one call makes a working tenant — the tenant with its brand,
// its default shop carrying the Maps/Xiaohongshu listing, a login user, 20 templates, the Trial
// billing record and the `tenant.provisioned` event. All outbound work (Maps/XHS short links,
// website and favicon, the LLM) and the password hash happen first; then ONE transaction holds
// only database work, so a failure anywhere leaves nothing behind and a retry simply runs again.
// The reset-password mail is written to the outbox inside that transaction and sent after it.
import { eq, like, or, sql } from 'drizzle-orm';
import { uniqueViolation, type Db } from '../db/index.ts';
import { conflict, forbidden } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { Mailer, QueuedMail } from '../platform/mailer.ts';
import { isPlatform, requirePermission, type ServiceContext } from '../platform/principal.ts';
import { tenants, users } from '../platform/tables.ts';
import { insertTenant, tenantView } from '../platform/tenants.ts';
import { generatePassword, hashGeneratedPassword } from '../platform/secrets.ts';
import { issueUserToken, RESET_PASSWORD_TTL_MS, resetPasswordLink } from '../platform/user-tokens.ts';
import { fetchBranding, logoUrlOf, type Branding, type Outbound } from './branding.ts';
import { generateTemplates, type LlmConfig } from './llm-templates.ts';
import { resolveMapsUrl, resolveXhsHandle, type MapsListing } from './maps-resolve.ts';
import type { Unresolved } from './unresolved.ts';
import { parseProvisionRequest, type ProvisionRequest, type ProvisionResponse } from './provision-schema.ts';
import { billingRecords, shops, templates, tenantLogos } from './tables.ts';
import { LANGUAGES, libraryTemplates, type Language } from './template-library.ts';

export const TRIAL_DAYS = 14;
const MAX_NAME_ATTEMPTS = 5;
const MAX_SLUG = 63;

export interface ProvisionDeps {
  /** safeFetch options for every tenant-supplied URL (resolver and allowPrivate for tests). */
  outbound: Outbound;
  mailer: Mailer;
  llm: LlmConfig;
}

// ---------------------------------------------------------------------------------------------
// Names

const TRANSLITERATE: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', '&': ' and ' };

/**
 * A slug from a business name: accents dropped, everything else non-alphanumeric collapsed to
 * hyphens. A name with too few Latin letters or digits (a Chinese-only name) gets
 * `tenant-<random>` instead, because a pinyin guess would mostly be wrong.
 */
export function slugFromName(name: string): string {
  const latin = name
    .toLowerCase()
    .replace(/[ßæøœđðłþı&]/g, (c) => TRANSLITERATE[c])
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  if (latin.length >= 2) return latin;
  return `tenant-${uuidv7().replace(/-/g, '').slice(-8)}`;
}

const withSuffix = (base: string, n: number) => (n < 2 ? base : `${base.slice(0, MAX_SLUG - String(n).length - 1).replace(/-+$/, '')}-${n}`);

/** The first of `base`, `base-2`, `base-3`, … not in `taken` (compared lower-case). */
export function firstFree(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  for (let n = 1; ; n++) {
    const candidate = withSuffix(base, n);
    if (!used.has(candidate)) return candidate;
  }
}

async function freeSlug(db: Db, base: string): Promise<string> {
  const rows = await db.select({ v: tenants.slug }).from(tenants).where(or(eq(tenants.slug, base), like(tenants.slug, `${base.slice(0, 40)}%`)));
  return firstFree(base, rows.map((r) => r.v));
}

async function freeUsername(db: Db, base: string): Promise<string> {
  const lower = sql`lower(${users.username})`;
  const rows = await db.select({ v: users.username }).from(users).where(or(eq(lower, base), like(lower, `${base.slice(0, 40)}%`)));
  return firstFree(base, rows.map((r) => r.v));
}

// ---------------------------------------------------------------------------------------------
// Outbound work, before any transaction

interface Prepared {
  maps: MapsListing | null;
  xhsHandle: string | null;
  /** What could not be fetched or resolved, for the response. */
  unresolved: Unresolved[];
  branding: Branding;
  templates: Record<Language, string[]>;
  password: { plain: string; hash: string } | null;
}

async function prepare(ctx: ServiceContext, input: ProvisionRequest, deps: ProvisionDeps): Promise<Prepared> {
  const other = input.vertical === 'other';
  const [maps, xhs, branding, en, zh] = await Promise.all([
    input.mapsUrl ? resolveMapsUrl(input.mapsUrl, deps.outbound) : null,
    input.xhsInput ? resolveXhsHandle(input.xhsInput, deps.outbound) : null,
    fetchBranding(input.websiteUrl, deps.outbound),
    other ? generateTemplates(deps.llm, input.businessDescription ?? '', 'en') : null,
    other ? generateTemplates(deps.llm, input.businessDescription ?? '', 'zh-CN') : null,
  ]);
  const password = input.ownerEmail ? null : generatePasswordPair();
  const log = ctx.rt.log.child({ requestId: ctx.requestId });
  if (branding.notes.length) log.info({ notes: branding.notes }, 'provisioning: website branding incomplete');
  for (const g of [en, zh]) if (g?.fallbackReason) log.info({ reason: g.fallbackReason }, 'provisioning: offline templates used');
  // The vertical's texts that fit what the name and description say the business offers.
  const business = { name: input.name, description: input.businessDescription };
  const library = (language: Language) => [...libraryTemplates(input.vertical as Exclude<typeof input.vertical, 'other'>, language, business)];
  const unresolved = [...(maps?.unresolved ? [maps.unresolved] : []), ...(xhs?.unresolved ? [xhs.unresolved] : []), ...branding.unresolved];
  return {
    maps,
    xhsHandle: xhs?.handle ?? null,
    unresolved,
    branding,
    templates: other ? { en: en!.texts, 'zh-CN': zh!.texts } : { en: library('en'), 'zh-CN': library('zh-CN') },
    password,
  };
}

function generatePasswordPair() {
  const plain = generatePassword();
  return { plain, hash: hashGeneratedPassword(plain) };
}

// ---------------------------------------------------------------------------------------------
// The service

/** POST /tenants. Platform credentials only (the `tenants:write` permission is platform-only). */
export async function provisionTenant(ctx: ServiceContext, request: unknown, deps: ProvisionDeps): Promise<ProvisionResponse> {
  requirePermission(ctx.principal, 'tenants:write');
  if (!isPlatform(ctx.principal)) throw forbidden('Only platform keys can provision tenants');
  const input = parseProvisionRequest(request);
  const db = ctx.rt.db;

  // An explicit slug that is taken fails now, before any outbound work; the unique index
  // catches the race with a concurrent provisioning inside the transaction.
  const explicitSlug = input.slug ?? null;
  if (explicitSlug) {
    const [taken] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, explicitSlug)).limit(1);
    if (taken) throw conflict(`The slug "${explicitSlug}" is taken`);
  }
  const prepared = await prepare(ctx, input, deps);
  const baseSlug = explicitSlug ?? slugFromName(input.name);

  for (let attempt = 1; ; attempt++) {
    const slug = explicitSlug ?? (await freeSlug(db, baseSlug));
    const username = await freeUsername(db, slug);
    try {
      const { response, mail } = await db.transaction((tx) => createAll(ctx, tx, input, prepared, deps, slug, username));
      if (mail) await deps.mailer.deliver(mail);
      return response;
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint === 'tenants_slug_key' && explicitSlug) throw conflict(`The slug "${explicitSlug}" is taken`);
      // A concurrent provisioning took the derived slug or username between our look-up and
      // our insert: everything rolled back, so look again and retry.
      const raced = constraint === 'tenants_slug_key' || constraint === 'users_username_key';
      if (!raced || attempt >= MAX_NAME_ATTEMPTS) throw err;
    }
  }
}

async function createAll(
  ctx: ServiceContext,
  tx: Db,
  input: ProvisionRequest,
  prepared: Prepared,
  deps: ProvisionDeps,
  slug: string,
  username: string,
): Promise<{ response: ProvisionResponse; mail: QueuedMail | null }> {
  const { publicUrl } = ctx.rt.config;
  const now = new Date();
  const trialEndsAt = new Date(now.getTime() + TRIAL_DAYS * 86_400_000);
  const tenantId = uuidv7();
  const { branding, maps } = prepared;
  const logo = branding.logo;
  const logoUrl = logo ? logoUrlOf(publicUrl, tenantId, logo) : null;

  const tenant = await insertTenant(tx, ctx.rt.modules, {
    id: tenantId,
    slug,
    name: input.name,
    vertical: input.vertical,
    websiteUrl: input.websiteUrl ?? null,
    googleMapsUrl: maps?.googleMapsUrl ?? null,
    googlePlaceCid: maps?.googlePlaceCid ?? null,
    xhsHandle: prepared.xhsHandle,
    logoUrl,
    brandPrimaryColor: branding.brandPrimaryColor,
    brandAccentColor: branding.brandAccentColor,
    plan: 'trial',
    trialEndsAt,
    createdAt: now,
    updatedAt: now,
  });
  if (logo) await tx.insert(tenantLogos).values({ tenantId, contentType: logo.contentType, bytes: logo.bytes, sha256: logo.sha256, updatedAt: now });

  const shopId = uuidv7();
  await tx.insert(shops).values({
    tenantId,
    id: shopId,
    name: input.name,
    googleMapsUrl: tenant.googleMapsUrl,
    googlePlaceCid: tenant.googlePlaceCid,
    xhsHandle: tenant.xhsHandle,
    isDefault: true,
    createdAt: now,
    updatedAt: now,
  });

  const userId = uuidv7();
  await tx.insert(users).values({
    id: userId,
    tenantId,
    username,
    email: input.ownerEmail ?? null,
    passwordHash: prepared.password?.hash ?? null,
    role: 'owner',
    mustChangePassword: prepared.password !== null,
    createdAt: now,
    updatedAt: now,
  });

  const templateRows = LANGUAGES.flatMap((language) =>
    prepared.templates[language].map((body, sortOrder) => ({
      tenantId,
      id: uuidv7(),
      vertical: input.vertical,
      language,
      body,
      sortOrder,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await tx.insert(templates).values(templateRows);

  await tx.insert(billingRecords).values({ tenantId, id: uuidv7(), plan: 'trial', periodStart: now, periodEnd: trialEndsAt, createdAt: now });

  let mail: QueuedMail | null = null;
  if (input.ownerEmail) {
    const issued = await issueUserToken(tx, userId, 'reset_password', RESET_PASSWORD_TTL_MS, now);
    mail = await deps.mailer.enqueue(tx, resetPasswordMail(tenantId, input.name, username, input.ownerEmail, resetPasswordLink(publicUrl, issued.token), issued.token));
  }

  const mode = input.ownerEmail ? 'owner' : 'demo';
  await emitEvent(tx, tenantId, 'tenant.provisioned', {
    tenant: tenantView(tenant),
    shopId,
    userId,
    loginUsername: username,
    mode,
    templatesCreated: templateRows.length,
  });

  return {
    mail,
    response: {
      id: tenantId,
      slug,
      mode,
      loginUsername: username,
      temporaryPassword: prepared.password?.plain ?? null,
      shopId,
      dashboardUrl: `${publicUrl}/dashboard`,
      trialEndsAt: trialEndsAt.toISOString(),
      templatesCreated: templateRows.length,
      unresolved: prepared.unresolved,
    },
  };
}

function resetPasswordMail(tenantId: string, businessName: string, username: string, to: string, link: string, token: string) {
  return {
    tenantId,
    to,
    subject: `Your orgstack account for ${businessName}`,
    text: [
      'Hello,',
      '',
      `An orgstack account has been created for ${businessName}.`,
      `Your username is: ${username}`,
      '',
      'Choose your password here (the link works once and expires in 72 hours):',
      link,
      '',
      'If you did not expect this email, you can ignore it.',
    ].join('\n'),
    secrets: [token],
  };
}

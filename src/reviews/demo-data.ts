// Demo data (`orgstack demo`): a newcomer's living dashboard in one command. The tenant is
// provisioned exactly as POST /tenants does in demo mode (the provisioning service: tenant,
// default shop, login user with a temporary password, the vertical's templates, Trial), the
// second shop and the employees through their services; then 90 days of funnel activity are
// drawn from a seeded generator and written straight into review_sessions in bulk, and the
// daily rollups are rebuilt from those rows, so analytics agree with the sessions exactly.
//
// Then every module that has a `demo` hook (src/platform/module.ts; the Work module's board,
// inbox and memory) adds its part through its own services, inside the same clean-up.
//
// The activity bypasses recordFunnelEvent on purpose: thousands of visits one transaction at a
// time would take minutes on the embedded database, and would fill the event outbox (and so
// every webhook subscriber) with `review.rated` events that never happened.
import { and, eq, sql } from 'drizzle-orm';
import { pgArray, type Db } from '../db/index.ts';
import { uuidv7 } from '../platform/ids.ts';
import { createMailer } from '../platform/mailer.ts';
import type { ModuleDemoResult } from '../platform/module.ts';
import type { ServiceContext } from '../platform/principal.ts';
import { orgstackUserAgent } from '../platform/safe-fetch.ts';
import { tenants, users } from '../platform/tables.ts';
import { addDays } from './analytics.ts';
import { createEmployee } from './employees.ts';
import { localDay } from './funnel.ts';
import { provisionTenant, slugFromName } from './provisioning.ts';
import { rebuildRollups } from './rollups.ts';
import { updateSettings } from './settings.ts';
import { createShop, updateShop } from './shops.ts';
import { deleteTenant } from '../platform/tenants.ts';

export const DEMO_DAYS = 90;
export const DEFAULT_DEMO_NAME = 'Harbour Lane Salon';
export const DEFAULT_DEMO_SEED = 1;
/** A salon: the `beauty` vertical of the template library. */
const DEMO_VERTICAL = 'beauty';
/** English- and Chinese-speaking customers, Google and Xiaohongshu side by side. */
const DEMO_TIMEZONE = 'Asia/Singapore';
const EMPLOYEES_PER_SHOP = [7, 5] as const;
/** Rows per insert statement (the statement text is the same for any count: arrays). */
const CHUNK = 1000;

export interface DemoOptions {
  /** The business name (default "Harbour Lane Salon"); validated like POST /tenants. */
  name?: string;
  /** Same seed, same data (for the same `now`). */
  seed?: number;
  /** The end of the activity (default the current time); tests pass a fixed one. */
  now?: Date;
}

export interface DemoTenant {
  tenantId: string;
  slug: string;
  name: string;
  vertical: string;
  timezone: string;
  seed: number;
  loginUsername: string;
  /** Shown once: it is stored only as a hash and must be changed at first sign-in. */
  temporaryPassword: string;
  dashboardUrl: string;
  /** The first employee's review page (PUBLIC_URL/r/<code>), to try the customer's side. */
  reviewPageUrl: string;
  shops: number;
  employees: number;
  sessions: number;
  feedback: number;
  from: string;
  to: string;
  /** What each module with a `demo` hook added, by module name (e.g. `work`). */
  modules: Record<string, ModuleDemoResult>;
}

/**
 * Creates the demo tenant. Needs a platform principal with `tenants:write` (provisioning's own
 * check). A failure anywhere leaves nothing behind: provisioning is one transaction, and a
 * tenant that fails later is deleted again.
 */
export async function createDemoTenant(ctx: ServiceContext, options: DemoOptions = {}): Promise<DemoTenant> {
  const rt = ctx.rt;
  const name = (options.name ?? DEFAULT_DEMO_NAME).trim();
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const now = options.now ?? new Date();

  // Demo mode (no ownerEmail) and listings that need no fetch: a Maps search URL and an @handle.
  // The mailer is never used (demo mode sends no mail) but provisioning takes one.
  const mailer = createMailer(rt.config, rt.db, rt.log);
  let provisioned;
  try {
    provisioned = await provisionTenant(
      ctx,
      {
        name,
        vertical: DEMO_VERTICAL,
        mapsUrl: `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(name)}`,
        xhsInput: `@${xhsHandleFor(name)}`,
      },
      { outbound: { userAgent: orgstackUserAgent(rt.config.publicUrl), ...rt.outbound }, mailer, llm: rt.config.llm },
    );
  } finally {
    mailer.close();
  }
  const tenantId = provisioned.id;
  try {
    const activity = await populate(ctx, tenantId, provisioned.shopId, name, seed, now);
    const [owner] = await rt.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner')));
    const modules: Record<string, ModuleDemoResult> = {};
    for (const m of rt.modules) if (m.demo) modules[m.name] = await m.demo(ctx, { tenantId, ownerUserId: owner.id });
    const [tenant] = await rt.db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
    return {
      tenantId,
      slug: provisioned.slug,
      name: tenant.name,
      vertical: DEMO_VERTICAL,
      seed,
      loginUsername: provisioned.loginUsername,
      temporaryPassword: provisioned.temporaryPassword!,
      dashboardUrl: provisioned.dashboardUrl,
      ...activity,
      modules,
    };
  } catch (err) {
    // Half a demo is worse than none: the tenant goes (with everything it owns), then the error.
    await deleteTenant(ctx, tenantId, provisioned.slug).catch((cleanup) =>
      rt.log.error({ err: cleanup, tenantId }, 'demo data: could not delete the incomplete demo tenant'),
    );
    throw err;
  }
}

/** Time zone, shops, staff and the 90 days of visits of a freshly provisioned tenant. */
async function populate(ctx: ServiceContext, tenantId: string, defaultShopId: string, name: string, seed: number, now: Date) {
  const rt = ctx.rt;
  const rng = seededRandom(seed);
  const { timezone, ratingThreshold } = await updateSettings(ctx, tenantId, { timezone: DEMO_TIMEZONE });

  const mainShop = await updateShop(ctx, tenantId, defaultShopId, { address: '12 Harbour Lane' });
  const secondShop = await createShop(ctx, tenantId, {
    name: `${name} — Riverside`,
    address: '88 Riverside Walk',
    googleMapsUrl: `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(`${name} Riverside`)}`,
    xhsHandle: `@${xhsHandleFor(name).slice(0, 55)}riverside`,
  });

  const staff = drawStaff(rng);
  const employees: StaffMember[] = [];
  let reviewPageUrl = '';
  for (const [i, member] of staff.entries()) {
    const shopId = i < EMPLOYEES_PER_SHOP[0] ? mainShop.id : secondShop.id;
    const created = await createEmployee(ctx, tenantId, { shopId, name: member.name });
    reviewPageUrl ||= created.reviewUrl;
    employees.push({ ...member, id: created.id, shopId });
  }

  const to = localDay(now, timezone);
  const from = addDays(to, -(DEMO_DAYS - 1));
  const sessions = drawSessions(rng, { employees, from, now, timezone, ratingThreshold });

  await rt.db.transaction(async (tx) => {
    for (let i = 0; i < sessions.length; i += CHUNK) await insertSessions(tx, tenantId, timezone, sessions.slice(i, i + CHUNK));
    await rebuildRollups(tx, tenantId);
  });
  // Reports and feedback pages cached before (on any node) drop now.
  await rt.rollups.changed(tenantId);

  return {
    timezone,
    reviewPageUrl,
    shops: EMPLOYEES_PER_SHOP.length,
    employees: employees.length,
    sessions: sessions.length,
    feedback: sessions.filter((s) => s.feedbackAt).length,
    from,
    to,
  };
}

/** A Xiaohongshu-style handle from the name (letters and digits of its slug). */
function xhsHandleFor(name: string): string {
  return slugFromName(name).replace(/-/g, '').slice(0, 60) || 'demo';
}

// ---------------------------------------------------------------------------------------------
// The generator. One seeded stream drawn in a fixed order: the same seed and `now` give the same
// staff, visits, ratings, clicks and feedback.

type Random = () => number;

/** mulberry32: tiny, fast, and good enough for plausible-looking data (not for secrets). */
function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rng: Random, lo: number, hi: number) => lo + rng() * (hi - lo);
const intBetween = (rng: Random, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));
const pick = <T>(rng: Random, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

function weighted(rng: Random, weights: readonly number[]): number {
  let r = rng() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const ENGLISH_NAMES = [
  'Emily Carter', 'Jessica Tan', 'Olivia Ng', 'Sophie Lim', 'Grace Wong', 'Daniel Lee',
  'Hannah Brooks', 'Chloe Martin', 'Ryan Koh', 'Amelia Chen', 'Lucas Foster', 'Mia Thompson',
];
const CHINESE_NAMES = ['陈美玲', '王思雨', '李晓彤', '张嘉怡', '刘欣然', '黄子轩', '林佳慧', '周雨桐', '吴婷婷', '赵梓涵', '徐静怡', '孙浩然'];

interface StaffTraits {
  name: string;
  /** Scales the visits on a working day (regulars, speed, seniority). */
  busy: number;
  /** Shifts ratings up (positive) or down. */
  quality: number;
  /** Scales how often happy customers go on to post a review. */
  persuasion: number;
  /** Weekdays off, 0 = Sunday. */
  daysOff: ReadonlySet<number>;
  /** The first day of the window this person works (a recent hire starts later). */
  startsOn: number;
}
interface StaffMember extends StaffTraits {
  id: string;
  shopId: string;
}

function drawStaff(rng: Random): StaffTraits[] {
  const names = shuffle(rng, [...shuffle(rng, [...ENGLISH_NAMES]).slice(0, 6), ...shuffle(rng, [...CHINESE_NAMES]).slice(0, 6)]);
  const newHire = intBetween(rng, 0, names.length - 1);
  return names.map((name, i) => {
    const first = intBetween(rng, 1, 3); // Mondays to Wednesdays are the usual days off
    const daysOff = new Set([first, ...(rng() < 0.4 ? [first + 1] : [])]);
    return {
      name,
      busy: between(rng, 0.55, 1.45),
      quality: between(rng, -0.35, 0.35),
      persuasion: between(rng, 0.8, 1.15),
      daysOff,
      startsOn: i === newHire ? intBetween(rng, 35, 55) : 0,
    };
  });
}

/** More visits on weekends (Sunday first), fewest on Monday. */
const WEEKDAY_FACTOR = [1.45, 0.6, 0.85, 0.9, 1.0, 1.2, 1.6];
/** Arrivals by opening hour, 10:00 to 19:00 (the last visit starts before 20:00). */
const HOUR_WEIGHTS = [1, 2, 2, 1.5, 2, 2, 2.5, 3, 3, 2];
const FIRST_HOUR = 10;
/** Visits per employee on an average working day, at the start of the window. */
const BASE_VISITS = 2.3;
/** Weights of 1 to 5 stars before an employee's quality and the trend shift them. */
const RATING_WEIGHTS = [0.05, 0.035, 0.065, 0.22, 0.63];

interface DemoSession {
  id: string;
  shopId: string;
  employeeId: string;
  scannedAt: Date;
  rating: number | null;
  positive: boolean | null;
  ratedAt: Date | null;
  googleClickedAt: Date | null;
  xhsClickedAt: Date | null;
  feedbackMessage: string | null;
  feedbackContact: string | null;
  feedbackAt: Date | null;
  resolved: boolean;
  resolvedAt: Date | null;
}

const later = (at: Date, loSeconds: number, hiSeconds: number, rng: Random) => new Date(at.getTime() + Math.round(between(rng, loSeconds, hiSeconds)) * 1000);

function drawSessions(
  rng: Random,
  p: { employees: StaffMember[]; from: string; now: Date; timezone: string; ratingThreshold: number },
): DemoSession[] {
  const out: DemoSession[] = [];
  for (let d = 0; d < DEMO_DAYS; d++) {
    const day = addDays(p.from, d);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const trend = d / (DEMO_DAYS - 1); // 0 → 1: a gentle upward trend over the window
    for (const e of p.employees) {
      if (d < e.startsOn || e.daysOff.has(weekday)) continue;
      // A new hire builds up their regulars over a couple of weeks.
      const rampUp = Math.min(1, 0.4 + (d - e.startsOn) / 20);
      const visits = poisson(rng, BASE_VISITS * e.busy * WEEKDAY_FACTOR[weekday] * (0.82 + 0.36 * trend) * (e.startsOn ? rampUp : 1));
      for (let v = 0; v < visits; v++) {
        const seconds = (FIRST_HOUR + weighted(rng, HOUR_WEIGHTS)) * 3600 + intBetween(rng, 0, 3599);
        const session = drawVisit(rng, e, zonedInstant(day, seconds, p.timezone), trend, p.ratingThreshold, p.now);
        // Today's visits end now: nothing in the future.
        if (session) out.push(session);
      }
    }
  }
  return out.sort((a, b) => a.scannedAt.getTime() - b.scannedAt.getTime());
}

function drawVisit(rng: Random, e: StaffMember, scannedAt: Date, trend: number, threshold: number, now: Date): DemoSession | null {
  const s: DemoSession = {
    id: uuidv7(scannedAt.getTime()),
    shopId: e.shopId,
    employeeId: e.id,
    scannedAt,
    rating: null,
    positive: null,
    ratedAt: null,
    googleClickedAt: null,
    xhsClickedAt: null,
    feedbackMessage: null,
    feedbackContact: null,
    feedbackAt: null,
    resolved: false,
    resolvedAt: null,
  };
  let last = scannedAt;
  if (rng() < 0.76 + 0.08 * trend) {
    const lift = e.quality + 0.2 * trend;
    const weights = RATING_WEIGHTS.map((w, i) => (i < 3 ? w * Math.max(0.15, 1 - 1.5 * lift) : i === 4 ? w * (1 + lift) : w));
    s.rating = weighted(rng, weights) + 1;
    s.positive = s.rating >= threshold;
    s.ratedAt = later(scannedAt, 15, 150, rng);
    last = s.ratedAt;
    if (s.positive) {
      // Most happy customers go on to post: Google mostly, Xiaohongshu for some, a few both.
      if (rng() < Math.min(0.95, 0.74 * e.persuasion)) {
        const channel = weighted(rng, [0.64, 0.24, 0.12]);
        if (channel !== 1) s.googleClickedAt = later(s.ratedAt, 6, 90, rng);
        if (channel !== 0) s.xhsClickedAt = later(s.googleClickedAt ?? s.ratedAt, 6, 120, rng);
        last = s.xhsClickedAt ?? s.googleClickedAt!;
      }
    } else {
      if (rng() < 0.08) last = s.googleClickedAt = later(s.ratedAt, 10, 120, rng);
      if (rng() < 0.5) {
        const zh = rng() < 0.4;
        s.feedbackAt = later(last, 30, 300, rng);
        last = s.feedbackAt;
        s.feedbackMessage = pick(rng, (zh ? FEEDBACK_ZH : FEEDBACK_EN)[s.rating <= 2 ? 0 : 1]);
        if (rng() < 0.45) s.feedbackContact = drawContact(rng, zh);
        // Older feedback has mostly been handled; this week's mostly waits in the inbox.
        const ageDays = (now.getTime() - s.feedbackAt.getTime()) / 86_400_000;
        if (rng() < (ageDays > 3 ? 0.75 : 0.2)) {
          const resolvedAt = later(s.feedbackAt, 3600, 2 * 86_400, rng);
          if (resolvedAt <= now) {
            s.resolved = true;
            s.resolvedAt = resolvedAt;
          }
        }
      }
    }
  }
  return last <= now ? s : null;
}

/** [rating 1–2, rating 3]: short, specific, the way people write into a feedback box. */
const FEEDBACK_EN = [
  [
    'Waited 40 minutes past my booking time and nobody explained why.',
    'The colour came out much darker than what we agreed on. Not happy.',
    'My fringe was cut far too short, I asked for just a trim.',
    'Felt rushed the whole time, the blow-dry was over in five minutes.',
    'Was charged for a treatment I never asked for.',
    'The water was scalding during the wash and I said so twice.',
    'Booked a cut and colour, they had no record of my appointment.',
  ],
  [
    'Nice cut but the wait was long and the music was very loud.',
    'Okay overall, but the price was higher than quoted on the phone.',
    'The stylist was lovely, the front desk less so.',
    'Decent result, though the highlights are a bit patchy at the back.',
    'Good service, but the salon felt quite cold today.',
    'Fine, but I had to ask twice for the conditioner I wanted.',
  ],
] as const;

const FEEDBACK_ZH = [
  [
    '预约了还等了四十分钟，也没有人解释。',
    '染出来的颜色比说好的深很多，很失望。',
    '只想修一下刘海，结果剪得太短了。',
    '全程感觉很赶，吹头发五分钟就结束了。',
    '结账时多收了一个我没有要的护理项目。',
    '洗头水太烫了，说了两次还是没调。',
  ],
  [
    '剪得还可以，就是等太久了，音乐也太吵。',
    '整体还行，但价格比电话里说的贵。',
    '发型师很好，前台态度一般。',
    '效果还不错，不过后面挑染有点不均匀。',
    '服务可以，就是店里空调开得太冷了。',
  ],
] as const;

function drawContact(rng: Random, zh: boolean): string {
  const phone = () => `+65 ${pick(rng, ['8', '9'])}${intBetween(rng, 100, 999)} ${intBetween(rng, 1000, 9999)}`;
  if (zh) return rng() < 0.5 ? `微信 ${pick(rng, ['lily', 'xiaoyu', 'mandy', 'coco', 'amy'])}_${intBetween(rng, 10, 99)}` : phone();
  const user = `${pick(rng, ['sarah', 'mike', 'anna', 'jason', 'rachel', 'kevin', 'linda'])}${pick(rng, ['.t', '.lee', '', '88', '.w'])}`;
  return rng() < 0.6 ? `${user}@example.com` : phone();
}

// ---------------------------------------------------------------------------------------------
// Time zones: the generator thinks in local opening hours; the rows store instants.

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in milliseconds (wall clock minus UTC). */
function zoneOffset(ms: number, timeZone: string): number {
  let fmt = offsetFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant when the wall clock in `timeZone` shows `day` + `secondsOfDay`. */
export function zonedInstant(day: string, secondsOfDay: number, timeZone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + secondsOfDay * 1000;
  // Twice: the first guess may sit on the other side of a daylight-saving change.
  const guess = wall - zoneOffset(wall, timeZone);
  return new Date(wall - zoneOffset(guess, timeZone));
}

// ---------------------------------------------------------------------------------------------
// Bulk insert

/** Every stage's *_day is the tenant-local date of its instant, as recordFunnelEvent stores it. */
async function insertSessions(tx: Db, tenantId: string, tz: string, rows: DemoSession[]) {
  const at = (pickAt: (r: DemoSession) => Date | null) => pgArray(rows.map((r) => pickAt(r)?.toISOString() ?? null));
  const day = (pickAt: (r: DemoSession) => Date | null) =>
    pgArray(rows.map((r) => {
      const v = pickAt(r);
      return v ? localDay(v, tz) : null;
    }));
  const col = (pickValue: (r: DemoSession) => string | number | boolean | null) =>
    pgArray(rows.map((r) => {
      const v = pickValue(r);
      return typeof v === 'boolean' ? String(v) : v;
    }));
  await tx.execute(sql`
    insert into review_sessions (tenant_id, id, shop_id, employee_id, scanned_at, scan_day, rating, positive, rated_at, rating_day,
      google_clicked_at, google_click_day, xhs_clicked_at, xhs_click_day, feedback_message, feedback_contact, feedback_at, feedback_day,
      resolved, resolved_at, created_at)
    select ${tenantId}::uuid, u.*
      from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.shopId)}::uuid[], ${col((r) => r.employeeId)}::uuid[],
        ${at((r) => r.scannedAt)}::timestamptz[], ${day((r) => r.scannedAt)}::date[],
        ${col((r) => r.rating)}::smallint[], ${col((r) => r.positive)}::boolean[], ${at((r) => r.ratedAt)}::timestamptz[], ${day((r) => r.ratedAt)}::date[],
        ${at((r) => r.googleClickedAt)}::timestamptz[], ${day((r) => r.googleClickedAt)}::date[],
        ${at((r) => r.xhsClickedAt)}::timestamptz[], ${day((r) => r.xhsClickedAt)}::date[],
        ${col((r) => r.feedbackMessage)}::text[], ${col((r) => r.feedbackContact)}::text[],
        ${at((r) => r.feedbackAt)}::timestamptz[], ${day((r) => r.feedbackAt)}::date[],
        ${col((r) => r.resolved)}::boolean[], ${at((r) => r.resolvedAt)}::timestamptz[], ${at((r) => r.scannedAt)}::timestamptz[]) as u`);
}

// What the public review page needs about a link, `/r/<code>`: the employee, their shop and its
// public listings, the tenant's brand and settings, and its active templates. Resolved with one
// query and cached per node, because every customer's every page view asks. A cached link is
// dropped when its tenant's data changes (a NOTIFY sent by emitEvent in the committing
// transaction, heard by every node), with a TTL as the backstop.
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Db } from '../../db/index.ts';
import { BoundedMap } from '../../platform/bounded-map.ts';
import { TENANT_CHANGED_CHANNEL } from '../../platform/events.ts';
import { googleReviewUrl, xhsProfileUrl } from '../../platform/listing-urls.ts';
import { textsForCustomer } from '../template-library.ts';
import { pageLanguageOf } from './strings/index.ts';

export interface ReviewLink {
  code: string;
  tenantId: string;
  tenantName: string;
  /** `available`, or why the page cannot take reviews. */
  status: 'available' | 'inactive' | 'suspended';
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  ratingThreshold: number;
  defaultLanguage: string;
  timezone: string;
  contactRetentionDays: number;
  employeeId: string;
  employeeName: string;
  shopId: string;
  shopName: string;
  /** Where the review buttons lead, validated; null when the shop has no such listing. */
  googleUrl: string | null;
  xhsUrl: string | null;
  /**
   * Active templates per page language, in the tenant's order, as the customer sees them:
   * `{employee}` filled with the employee's first name, texts with unknown placeholders left out.
   */
  templates: Map<string, string[]>;
}

interface Row {
  tenant_id: string;
  tenant_name: string;
  tenant_status: string;
  vertical: string | null;
  logo_url: string | null;
  brand_primary_color: string;
  brand_accent_color: string;
  rating_threshold: number;
  default_language: string;
  timezone: string;
  retention_days: number;
  employee_id: string;
  employee_name: string;
  active: boolean;
  shop_id: string;
  shop_name: string;
  shop_deleted: boolean;
  google_place_id: string | null;
  google_place_cid: string | null;
  google_maps_url: string | null;
  xhs_handle: string | null;
  templates: string;
}

const TTL_MS = 60_000;
/**
 * An unknown code is remembered briefly (a flood of bad codes costs no queries); briefly, because
 * creating an employee announces no change (its insert is one statement without a NOTIFY).
 */
const UNKNOWN_TTL_MS = 5_000;
const MAX_LINKS = 20_000;
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

function linkOf(code: string, r: Row): ReviewLink {
  const templates = new Map<string, string[]>();
  const raw = JSON.parse(r.templates) as { language: string; body: string }[];
  for (const t of textsForCustomer(raw, r.employee_name, r.vertical)) {
    const lang = pageLanguageOf(t.language) ?? t.language;
    templates.set(lang, [...(templates.get(lang) ?? []), t.body]);
  }
  return {
    code,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    status: r.tenant_status !== 'active' ? 'suspended' : !r.active || r.shop_deleted ? 'inactive' : 'available',
    logoUrl: r.logo_url,
    primaryColor: HEX_COLOR.test(r.brand_primary_color) ? r.brand_primary_color : '#1f6feb',
    accentColor: HEX_COLOR.test(r.brand_accent_color) ? r.brand_accent_color : '#f5a623',
    ratingThreshold: r.rating_threshold,
    defaultLanguage: r.default_language,
    timezone: r.timezone,
    contactRetentionDays: r.retention_days,
    employeeId: r.employee_id,
    employeeName: r.employee_name,
    shopId: r.shop_id,
    shopName: r.shop_name,
    googleUrl: googleReviewUrl({ googlePlaceId: r.google_place_id, googlePlaceCid: r.google_place_cid, googleMapsUrl: r.google_maps_url }),
    xhsUrl: xhsProfileUrl(r.xhs_handle),
    templates,
  };
}

async function loadLink(db: Db, code: string): Promise<ReviewLink | null> {
  const [row] = await queryRows<Row>(
    db,
    sql`select e.tenant_id, t.name as tenant_name, t.status as tenant_status, t.vertical, t.logo_url, t.brand_primary_color, t.brand_accent_color,
               rs.rating_threshold, t.default_language, t.timezone, rs.feedback_contact_retention_days as retention_days,
               e.id as employee_id, e.name as employee_name, e.active, s.id as shop_id, s.name as shop_name,
               s.deleted_at is not null as shop_deleted, s.google_place_id, s.google_place_cid, s.google_maps_url, s.xhs_handle,
               coalesce((select json_agg(json_build_object('language', p.language, 'body', p.body) order by p.sort_order, p.created_at, p.id)
                           from templates p where p.tenant_id = e.tenant_id and p.active), '[]')::text as templates
          from employees e
          join shops s on s.tenant_id = e.tenant_id and s.id = e.shop_id
          join tenants t on t.id = e.tenant_id
          join review_settings rs on rs.tenant_id = e.tenant_id
         where e.code = ${code}`,
  );
  return row ? linkOf(code, row) : null;
}

interface Entry {
  link: ReviewLink | null;
  expires: number;
  /** The generation of the link's tenant (or the global one, for an unknown code) when loaded. */
  generation: number;
}

export class ReviewLinkCache {
  private entries = new BoundedMap<string, Entry>(MAX_LINKS);
  private loading = new Map<string, Promise<ReviewLink | null>>();
  private tenantGenerations = new Map<string, number>();
  /** Bumped on any tenant's change: an unknown code may have just been created. */
  private anyGeneration = 0;

  constructor(private readonly db: Db) {}

  async start(database: Pick<Database, 'listen'>): Promise<void> {
    await database.listen(TENANT_CHANGED_CHANNEL, (tenantId) => this.invalidate(tenantId));
  }

  invalidate(tenantId: string): void {
    this.tenantGenerations.set(tenantId, (this.tenantGenerations.get(tenantId) ?? 0) + 1);
    this.anyGeneration++;
  }

  private generationOf(tenantId: string | null): number {
    return tenantId ? (this.tenantGenerations.get(tenantId) ?? 0) : this.anyGeneration;
  }

  /** The link for a public code, or null when no employee has it. */
  async resolve(code: string): Promise<ReviewLink | null> {
    const hit = this.entries.get(code);
    if (hit && hit.expires > Date.now() && hit.generation === this.generationOf(hit.link?.tenantId ?? null)) return hit.link;
    let pending = this.loading.get(code);
    if (!pending) {
      // A change committed while the query runs may be missing from its answer: then it is not cached.
      const before = this.anyGeneration;
      pending = loadLink(this.db, code)
        .then((link) => {
          if (this.anyGeneration === before) {
            const expires = Date.now() + (link ? TTL_MS : UNKNOWN_TTL_MS);
            this.entries.set(code, { link, expires, generation: this.generationOf(link?.tenantId ?? null) });
          }
          return link;
        })
        .finally(() => this.loading.delete(code));
      this.loading.set(code, pending);
    }
    return pending;
  }
}

// The built-in library of suggested review texts (docs/reviews-api-contract.md §4 Template, §7 Templates).
// Provisioning copies the 10 texts of the tenant's vertical into its templates; the public review
// page offers them to the customer to copy onto Google Maps (English) or Xiaohongshu (Simplified
// Chinese). The Chinese texts are written as Xiaohongshu posts, not translations of the English.
//
// The texts themselves are in template-texts-en.ts and template-texts-zh.ts; a tenant gets those
// that fit the services its name or description mentions, and neutral ones (libraryTemplates).
//
// The only placeholder is `{employee}`, filled with the employee's first name wherever a text is
// shown or copied (firstNameOf, renderTemplate); the library uses it in at most 3 texts per set,
// always where a neutral fallback ("the team" / "店员") reads naturally should the name be empty.
// Any other `{…}` is refused when a template is saved and never shown (unknownPlaceholders).

import { VERTICALS, type Vertical } from '../platform/tenant-schemas.ts';
import { EN_TEXTS } from './template-texts-en.ts';
import { hasEmployeePlaceholder } from './template-render.ts';
import { ZH_TEXTS } from './template-texts-zh.ts';

export { VERTICALS, TENANT_VERTICALS, type Vertical } from '../platform/tenant-schemas.ts';
export * from './template-render.ts';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];


export function isVertical(value: unknown): value is Vertical {
  return typeof value === 'string' && (VERTICALS as readonly string[]).includes(value);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The texts of one vertical in one language: for any business of it, and per kind of service. */
export interface VerticalTexts {
  neutral: readonly string[];
  services: Readonly<Record<string, readonly string[]>>;
}
export type LibraryTexts = Record<Vertical, VerticalTexts>;

const TEXTS: Record<Language, LibraryTexts> = { en: EN_TEXTS, 'zh-CN': ZH_TEXTS };

/**
 * The words (English and Chinese) by which a business's name or description says it offers a kind
 * of service. Only a service named here gets its texts: a salon called "Harbour Lane Salon" gets
 * the neutral ones, which fit a hair salon, a nail bar and a spa alike.
 */
const SERVICE_WORDS: Record<Vertical, Record<string, RegExp>> = {
  auto: {
    repair: /repair|mechanic|garage|servic|tyre|tire|brake|engine|mot\b|维修|修车|保养|轮胎|汽修/i,
    detailing: /detail|car ?wash|valet|polish|ceramic|洗车|精洗|镀晶|打蜡|汽车美容/i,
    film: /tint|film|wrap|ppf|贴膜|车衣|改色/i,
  },
  fnb: {
    coffee: /coffee|caf[eé]|espresso|roaster|咖啡/i,
    dining: /restaurant|bistro|kitchen|dining|diner|eatery|noodle|grill|餐厅|饭店|餐馆|火锅|烧烤|料理|面馆|小馆/i,
    bakery: /baker|cake|pastr|bread|patisserie|烘焙|面包|蛋糕|甜品/i,
  },
  beauty: {
    hair: /hair|barber|stylist|coiff|美发|理发|发型|烫染|剪发|发廊/i,
    nails: /nail|manicure|pedicure|美甲|美足/i,
    massage: /massage|spa\b|reflexology|按摩|推拿|足疗|足浴|spa/i,
    skin: /facial|skin|esthetic|aesthetic|beauty clinic|护肤|皮肤|面部|美容院|皮肤管理/i,
    lashes: /lash|brow|睫|眉/i,
  },
  clinic: {
    dental: /dent|teeth|tooth|orthodont|牙|口腔/i,
    physio: /physio|rehab|chiro|osteo|sports injur|康复|理疗/i,
    vet: /\bvet|veterinar|animal|pet\b|pets\b|宠物|兽医|动物/i,
  },
  retail: {
    clothing: /cloth|fashion|apparel|boutique|wear\b|shoe|服装|服饰|女装|男装|鞋|童装/i,
    electronics: /electronic|phone|computer|laptop|camera|gadget|数码|手机|电脑|相机|电器/i,
    flowers: /flower|florist|bouquet|花店|鲜花|花艺/i,
  },
  services: {
    cleaning: /clean|maid|housekeep|janitor|保洁|清洁|家政|打扫/i,
    repair: /repair|plumb|electric|handyman|fix|maintenance|维修|水电|修理/i,
    organizing: /organi[sz]|declutter|tidy|收纳|整理/i,
    moving: /\bmov(ing|ers?)\b|removal|搬家|搬运/i,
  },
};

const LIBRARY_SIZE = 10;
/** At most this many service texts per set, so that the neutral ones (and `{employee}`) stay. */
const MAX_SERVICE_TEXTS = 4;

/** What the library knows about the business when choosing its texts (all optional). */
export interface BusinessHints {
  name?: string | null;
  description?: string | null;
}

/** The kinds of service the library has texts for in a vertical. */
export function libraryServices(vertical: Vertical): string[] {
  return Object.keys(SERVICE_WORDS[vertical]);
}

/** The kinds of service a business's name and description mention, in the library's order. */
export function servicesOf(vertical: Vertical, business: BusinessHints = {}): string[] {
  const text = `${business.name ?? ''} ${business.description ?? ''}`.slice(0, 4000);
  return Object.entries(SERVICE_WORDS[vertical])
    .filter(([, words]) => words.test(text))
    .map(([service]) => service);
}

/**
 * The 10 built-in suggested review texts of a vertical in a language (raw, with placeholders),
 * fitted to the business: the texts of the services its name or description mentions (up to 4,
 * taken in turn from each service), interleaved with neutral texts that fit any business of the
 * vertical; without such a mention, the 10 neutral texts. The same input gives the same texts.
 */
export function libraryTemplates(vertical: Vertical, language: Language, business: BusinessHints = {}): readonly string[] {
  if (!isVertical(vertical)) throw new RangeError(`No template library for vertical ${JSON.stringify(vertical)}`);
  if (!isLanguage(language)) throw new RangeError(`No template library for language ${JSON.stringify(language)}`);
  const { neutral, services } = TEXTS[language][vertical];
  const lists = servicesOf(vertical, business).map((s) => services[s]);
  const specific: string[] = [];
  for (let i = 0; specific.length < MAX_SERVICE_TEXTS && lists.some((l) => i < l.length); i++) {
    for (const list of lists) if (i < list.length && specific.length < MAX_SERVICE_TEXTS) specific.push(list[i]);
  }
  // Neutral texts fill the set; those naming the employee are kept first, so every set has them.
  const named = neutral.filter(hasEmployeePlaceholder);
  const fill = [...named, ...neutral.filter((t) => !hasEmployeePlaceholder(t))].slice(0, LIBRARY_SIZE - specific.length);
  const keep = new Set(fill);
  const ordered = neutral.filter((t) => keep.has(t));
  const out: string[] = [];
  for (let i = 0; out.length < LIBRARY_SIZE; i++) {
    if (i < specific.length) out.push(specific[i]);
    if (i < ordered.length) out.push(ordered[i]);
  }
  return Object.freeze(out);
}

// Filling a suggested review text for the customer: `{employee}` becomes the employee's first
// name (firstNameOf, renderTemplate), and a text holding any other `{…}` is never shown
// (unknownPlaceholders). No imports, so the dashboard's Templates page previews a text with the
// very code the review page uses (web/src/pages/templates.tsx).

export type TextLanguage = 'en' | 'zh-CN';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** `{employee}`, also written `{{employee}}`, `{ Employee }` or with full-width braces (a Chinese keyboard's ｛｝). */
const EMPLOYEE = /[{\uff5b]{1,2}\s*employee\s*[}\uff5d]{1,2}/i;
const EMPLOYEE_ALL = new RegExp(EMPLOYEE.source, 'gi');
/** Anything else in braces reads as a placeholder to an owner, and must never reach a customer. */
const ANY_PLACEHOLDER = /[{\uff5b][^{}\uff5b\uff5d]{0,60}[}\uff5d]/g;

/** The placeholder the texts may hold. */
export const EMPLOYEE_PLACEHOLDER = '{employee}';

export function hasEmployeePlaceholder(body: string): boolean {
  return EMPLOYEE.test(body);
}

/** The `{…}` of a text other than `{employee}` (in order, without repeats): none means it can be shown. */
export function unknownPlaceholders(body: string): string[] {
  return [...new Set(body.replace(EMPLOYEE_ALL, '').match(ANY_PLACEHOLDER) ?? [])];
}

/** Wording used in place of the employee's name when there is none, per language (and vertical). */
export function employeeFallback(language: TextLanguage, vertical?: string | null): string {
  if (language === 'en') return 'the team';
  if (vertical === 'auto' || vertical === 'services') return '师傅';
  if (vertical === 'clinic') return '工作人员';
  return '店员';
}

/** Cleans an employee name for use in a review text: no control characters, braces or markup. */
export function cleanEmployeeName(name: string | null | undefined): string {
  if (typeof name !== 'string') return '';
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/[{}<>\uff5b\uff5d]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...cleaned].slice(0, 40).join('').trim();
}

const EAST_ASIAN = /^[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const TITLE = /^(dr|mr|mrs|ms|miss|mx|prof|sir|dame)\.?$/i;
const INITIAL = /^\p{L}\.?$/u;

/**
 * The name a customer would thank someone by, from the employee's name as the business typed it:
 * - a Western name: the first word ("Mei Lin" → "Mei", "Mary-Jane Smith" → "Mary-Jane");
 * - a title keeps the family name ("Dr. Sarah Lee" → "Dr. Lee"), as a patient would write it;
 * - a Chinese (Japanese, Korean) name is written family name first and without spaces, so it has
 *   no "first name" to cut: the whole name is used ("王小明" → "王小明", "王 小明" → "王小明"), as
 *   is a nickname a shop gives its staff ("小美", "Tony老师"); taking the surname alone ("谢谢王")
 *   would read as rude;
 * - a name that starts with an initial ("J. Smith") stays whole.
 */
export function firstNameOf(fullName: string | null | undefined): string {
  const name = cleanEmployeeName(fullName);
  const words = name.split(' ').filter(Boolean);
  if (words.length <= 1) return name;
  if (EAST_ASIAN.test(words[0])) {
    const leading: string[] = [];
    for (const w of words) {
      if (!EAST_ASIAN.test(w)) break;
      leading.push(w);
    }
    return leading.join('');
  }
  if (TITLE.test(words[0])) return `${words[0]} ${words[words.length - 1]}`;
  if (INITIAL.test(words[0])) return name;
  return words[0];
}

export interface RenderOptions {
  /** The name to fill in (already the first name: see firstNameOf); empty or missing → a neutral fallback ("the team" / "店员"). */
  employee?: string | null;
  /** The template's language; detected from the text when omitted. */
  language?: TextLanguage;
  /** The tenant's vertical, which picks a more fitting Chinese fallback (师傅, 工作人员). */
  vertical?: string | null;
}

/**
 * Fills `{employee}` in a template body. Without a name the placeholder becomes "the team" (English,
 * capitalised at the start of a sentence) or "店员" (Chinese; "师傅"/"工作人员" for some verticals),
 * which the library texts are written to read naturally with. Other placeholders are left as they
 * are: callers showing a text to a customer drop those with unknownPlaceholders first.
 */
export function renderTemplate(body: string, options: RenderOptions = {}): string {
  const language: TextLanguage = options.language ?? (CJK.test(body) ? 'zh-CN' : 'en');
  const name = cleanEmployeeName(options.employee);
  const fallback = employeeFallback(language, options.vertical);
  const out = body.replace(EMPLOYEE_ALL, (_match, offset: number, whole: string) => {
    if (name) return name;
    const before = whole.slice(0, offset);
    const sentenceStart = /(^|[.!?]\s+)$/.test(before);
    return sentenceStart ? fallback.charAt(0).toUpperCase() + fallback.slice(1) : fallback;
  });
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * The texts a customer of this employee is offered, in order: each filled with the employee's
 * first name; a text holding any other placeholder is left out rather than shown half-filled.
 */
export function textsForCustomer(bodies: readonly { body: string; language: string }[], employeeName: string, vertical?: string | null): { body: string; language: string }[] {
  const employee = firstNameOf(employeeName);
  return bodies
    .filter((t) => unknownPlaceholders(t.body).length === 0)
    .map((t) => ({ language: t.language, body: renderTemplate(t.body, { employee, vertical, language: t.language === 'en' || t.language === 'zh-CN' ? t.language : undefined }) }));
}

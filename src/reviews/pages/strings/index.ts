// The languages of the public pages and how a visitor gets one: an explicit choice (the
// language switch) wins, then the browser's Accept-Language, then the tenant's default.
import { en, type Strings } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Strings };
export const LANGUAGES: Record<string, Strings> = { en, 'zh-CN': zhCN };
export type PageLanguage = keyof typeof LANGUAGES;

/** A BCP 47 tag (or a bare primary subtag) → one of our page languages, or null. */
export function pageLanguageOf(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const t = tag.trim().toLowerCase();
  if (t === 'zh' || t.startsWith('zh-cn') || t.startsWith('zh-hans') || t.startsWith('zh-sg') || t === 'zh-my') return 'zh-CN';
  if (t.startsWith('zh')) return 'zh-CN'; // zh-TW/HK readers read Simplified better than English
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/** The best page language from an Accept-Language header, by q-value, or null. */
export function fromAcceptLanguage(header: string | undefined): string | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { tag, q: q ? Number(q[1]) : 1, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const lang = pageLanguageOf(r.tag);
    if (lang) return lang;
  }
  return null;
}

export function stringsFor(lang: string): Strings {
  return LANGUAGES[lang] ?? en;
}

// HTML building for the server-rendered pages. Every interpolated value goes through escapeHtml
// unless it is already markup we built (a Raw): a tenant name or template holding `<script>`
// renders as text.
export class Raw {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Part = string | number | Raw | null | undefined | false | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Raw) return part.value;
  return escapeHtml(part);
}

/** Tagged template: interpolations are escaped; arrays are joined; Raw passes through. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Raw(out);
}

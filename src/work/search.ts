// orgx_search (the memory tools of docs/work-api-contract.md): ranked search over the
// workspace's initiatives, tasks, decisions and artifacts. Each table carries `search_tsv`
// (English full text, title weighted above body, plus each Chinese character and pair of adjacent
// characters as a word) and `search_text` (the raw text, pg_trgm GIN index). Up to three passes,
// each only when the one before found nothing:
//  1. words: the full text matches the query (websearch syntax: words ANDed, "phrases", or, -not);
//     Chinese in the query must match as its characters (one alone) or all its adjacent pairs;
//  2. text (queries of three characters or more, so the trigram index serves it): the text
//     contains the query as typed (ILIKE) — partial words, and longer Chinese phrases;
//  3. fuzzy: trigram word similarity ≥ FUZZY_THRESHOLD — typos.
// A one- or two-letter query that is not a word finds nothing: scanning every row of a large
// workspace for two letters costs far more than it is worth. A substring scan costs far more than
// a full-text lookup, so it runs only when the words match nothing. Rank: ts_rank, plus a bonus
// when the title (more) or the text (less) contains the query as typed, plus half the trigram word
// similarity of the title (and, in the fuzzy pass, the similarity of the whole text: per row it
// costs more than the rest).
//
// Statement texts are fixed (one per pass); which tables take part and the status filter are
// parameters.
import { sql, type SQL } from 'drizzle-orm';
import { pgArray, PLANNED_PER_CALL, queryRows, type Db } from '../db/index.ts';
import { artifacts, decisions, initiatives, tasks } from './tables.ts';

export const SEARCH_TYPES = ['initiative', 'task', 'decision', 'artifact'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const SEARCH_SCOPES = ['all', 'artifacts', 'decisions', 'initiatives'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];

/** Which types each scope covers: the initiatives scope is the work hierarchy (its tasks too). */
const SCOPE_TYPES: Record<SearchScope, readonly SearchType[]> = {
  all: SEARCH_TYPES,
  artifacts: ['artifact'],
  decisions: ['decision'],
  initiatives: ['initiative', 'task'],
};

export interface SearchHit {
  type: SearchType;
  id: string;
  title: string;
  snippet: string;
  status: string;
  score: number;
  initiative_id: string | null;
  updated_at: string;
}

export interface SearchRequest {
  query: string;
  types: readonly SearchType[];
  scope: SearchScope;
  statuses: readonly string[] | null;
  limit: number;
  /** Where the previous page ended (its `next_cursor`); absent for the first page. */
  after?: SearchCursor;
}

/**
 * A page boundary: which pass found the results (a later page must not fall back to another) and
 * how many came before. Sent to clients as an opaque string.
 */
export interface SearchCursor {
  pass: Pass;
  offset: number;
}

const PASSES: readonly Pass[] = ['words', 'text', 'fuzzy', 'recent'];

export const encodeCursor = (c: SearchCursor) => Buffer.from(JSON.stringify([c.pass, c.offset])).toString('base64url');

/** The cursor a string stands for, or null when it is not one this server made. */
export function decodeCursor(value: string): SearchCursor | null {
  try {
    const [pass, offset] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [Pass, number];
    if (!PASSES.includes(pass) || !Number.isInteger(offset) || offset < 1 || offset > 100_000) return null;
    return { pass, offset };
  } catch {
    return null;
  }
}

/** Characters of context around a match in a snippet built without the full-text parser. */
const CONTEXT_BEFORE = 60;
/** Trigram word similarity (0–1) a fuzzy match needs. */
const FUZZY_THRESHOLD = 0.4;
const WINDOW = 240;

type Pass = 'words' | 'text' | 'fuzzy' | 'recent';

interface Params {
  t: string;
  q: string;
  /** The query without its Chinese, for the English parser. */
  english: string;
  /** The query's Chinese as a tsquery of the words search_cjk_grams indexes ('' when none). */
  chinese: string;
  pattern: string;
  /** The types searched, each a branch of the union. */
  types: readonly SearchType[];
  statuses: string | null;
  limit: number;
  offset: number;
}

/** One branch of the union: a table's rows that the pass matches, with the common columns. */
function branch(type: SearchType, p: Params, pass: Pass): SQL {
  const [table, title, initiativeId] =
    type === 'initiative'
      ? [initiatives, sql`title`, sql`id`]
      : type === 'task'
        ? [tasks, sql`title`, sql`initiative_id`]
        : type === 'decision'
          ? [decisions, sql`title`, sql`initiative_id`]
          : [artifacts, sql`name`, sql`initiative_id`];
  const match =
    pass === 'words'
      ? sql`search_tsv @@ (select tsq from q)`
      : pass === 'text'
        ? sql`search_text ilike ${p.pattern}`
        : pass === 'fuzzy'
          ? sql`${p.q} <% search_text`
          : sql`true`;
  return sql`select ${type}::text as type, id, ${title} as title, status, ${initiativeId} as initiative_id, updated_at, search_text, search_tsv
    from ${table}
    where tenant_id = ${p.t} and (${p.statuses}::text[] is null or status = any(${p.statuses}::text[])) and ${match}`;
}

function statement(p: Params, pass: Pass): SQL {
  const hits = sql.join(
    p.types.map((type) => branch(type, p, pass)),
    sql` union all `,
  );
  const score =
    pass === 'recent'
      ? sql`0::real`
      : sql`(ts_rank(h.search_tsv, (select tsq from q))
             + case when h.title ilike ${p.pattern} then 1 when h.search_text ilike ${p.pattern} then 0.25 else 0 end
             + word_similarity(${p.q}, h.title) * 0.5
             ${pass === 'fuzzy' ? sql`+ word_similarity(${p.q}, h.search_text)` : sql``})::real`;
  const order = pass === 'recent' ? sql`updated_at desc, id` : sql`score desc, updated_at desc, id`;
  // The snippet: the English parser's headline where the full text matched (it cannot mark
  // Chinese characters); else a window of the text around the first place it contains the query
  // (highlighted by the caller); with no query, the start of the body.
  // Planned for its words on every call: a generic plan, not knowing how many rows the words
  // match, ANDs the text index with a scan of the whole workspace's tasks (≈ 3 ms over 88,000).
  // The browse (no words) is prepared once per text (one per set of types): planning it cost
  // PostgreSQL ≈ 1 ms a call, forty times what running it does.
  return sql`${sql.raw(pass === 'recent' ? '' : PLANNED_PER_CALL)}with q as (select case when ${p.chinese} = '' then websearch_to_tsquery('english', ${p.english})
      when ${p.english} = '' then to_tsquery('simple', ${p.chinese})
      else websearch_to_tsquery('english', ${p.english}) && to_tsquery('simple', ${p.chinese}) end as tsq),
    hits as (${hits}),
    top as (
      select h.*, ${score} as score, count(*) over () as total
      from hits h
      order by ${order}
      limit ${p.limit} offset ${p.offset}
    )
    select type, id, title, status, initiative_id, to_json(updated_at) #>> '{}' as updated_at, score, total,
      case when ${sql.raw(pass === 'recent' ? 'false' : 'true')} and ${p.chinese} = '' and search_tsv @@ q.tsq
        then ts_headline('english', search_text, q.tsq, 'MaxWords=30, MinWords=12, MaxFragments=1, StartSel=**, StopSel=**')
      end as headline,
      greatest(strpos(lower(search_text), lower(${p.q})) - ${CONTEXT_BEFORE}, 1) as window_start,
      substr(search_text, greatest(strpos(lower(search_text), lower(${p.q})) - ${CONTEXT_BEFORE}, 1), ${WINDOW}) as window_text,
      char_length(search_text) as text_length,
      char_length(title) as title_length
    from top, q
    order by ${pass === 'recent' ? sql`top.updated_at desc, top.id` : sql`top.score desc, top.updated_at desc, top.id`}`;
}

interface Row {
  type: SearchType;
  id: string;
  title: string;
  status: string;
  initiative_id: string | null;
  updated_at: string;
  score: number;
  total: number | string;
  headline: string | null;
  window_start: number;
  window_text: string;
  text_length: number;
  title_length: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** Runs of Chinese (CJK) characters, the ranges search_cjk_grams (migration 0005) indexes. */
const CHINESE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

/** Each run of the query as the index holds it: a lone character, else its adjacent pairs; all required. */
function chineseQuery(q: string): string {
  const terms = new Set<string>();
  for (const [run] of q.matchAll(CHINESE)) {
    if (run.length === 1) terms.add(run);
    for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));
  }
  return [...terms].map((term) => `'${term}'`).join(' & ');
}

/** The query's first occurrence in the window, marked as ts_headline marks its matches. */
function windowSnippet(r: Row, q: string): string {
  let text = r.window_text;
  const at = text.toLowerCase().indexOf(q.toLowerCase());
  if (at >= 0) text = `${text.slice(0, at)}**${text.slice(at, at + q.length)}**${text.slice(at + q.length)}`;
  const more = r.window_start - 1 + r.window_text.length < r.text_length;
  return `${r.window_start > 1 ? '…' : ''}${text.trim()}${more ? '…' : ''}`;
}

/** With no query: the start of the body (the text after the title). */
function bodySnippet(r: Row): string {
  const body = r.window_text.slice(r.title_length + 1).trim();
  return r.text_length > r.window_text.length ? `${body}…` : body;
}

export async function runSearch(db: Db, tenantId: string, req: SearchRequest): Promise<{ results: SearchHit[]; total: number; next_cursor: string | null }> {
  const q = req.query.trim().replace(/\s+/g, ' ');
  const allowed = SEARCH_TYPES.filter((type) => SCOPE_TYPES[req.scope].includes(type) && req.types.includes(type));
  const p: Params = {
    t: tenantId,
    q,
    english: q.replace(CHINESE, ' ').trim(),
    chinese: chineseQuery(q),
    pattern: `%${escapeLike(q)}%`,
    types: allowed,
    statuses: req.statuses?.length ? pgArray(req.statuses) : null,
    limit: req.limit,
    offset: req.after?.offset ?? 0,
  };
  if (!allowed.length) return { results: [], total: 0, next_cursor: null };
  // Nothing contains the words: look for the closest spellings. The `<%` operator (served by
  // the trigram index) compares with pg_trgm.word_similarity_threshold, lowered for this
  // transaction only from its default 0.6, which misses a single swapped letter in a short word.
  const fuzzy = () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true)`);
      return queryRows<Row>(tx, statement(p, 'fuzzy'));
    });
  let pass: Pass;
  let rows: Row[];
  if (req.after) {
    // A later page continues the pass that found the first one.
    pass = req.after.pass;
    rows = pass === 'fuzzy' ? await fuzzy() : await queryRows<Row>(db, statement(p, pass));
  } else {
    pass = q ? 'words' : 'recent';
    rows = await queryRows<Row>(db, statement(p, pass));
    if (rows.length === 0 && q.length >= 3) {
      pass = 'text';
      rows = await queryRows<Row>(db, statement(p, pass));
    }
    if (rows.length === 0 && q.length >= 3) {
      pass = 'fuzzy';
      rows = await fuzzy();
    }
  }
  const total = rows.length ? Number(rows[0].total) : 0;
  const seen = p.offset + rows.length;
  return {
    next_cursor: rows.length > 0 && seen < total ? encodeCursor({ pass, offset: seen }) : null,
    results: rows.map((r) => ({
      type: r.type,
      id: r.id,
      title: r.title,
      snippet: r.headline ?? (pass === 'recent' ? bodySnippet(r) : windowSnippet(r, q)),
      status: r.status,
      score: Math.round(Number(r.score) * 10000) / 10000,
      initiative_id: r.initiative_id,
      updated_at: new Date(r.updated_at).toISOString(),
    })),
    total,
  };
}

// The shape of tool results. Success: the answer as `structuredContent` (matching the tool's
// outputSchema: the REST answer) and a short text — a summary line, and for lists one line per
// item (type, id, title) — for clients that show only text. The full JSON is not repeated as text:
// it doubled every answer and its encoding, and clients that read results (Claude Code, ChatGPT,
// VS Code) take structuredContent.
// Failure: an `isError` result whose structuredContent is
//   { error: { code, message, status, field_errors?, required_scope?, next } }
// and whose text says the same in words; `next` is the call that would help.
import type { AppError, FieldErrors } from '../platform/errors.ts';
import type { Principal } from '../platform/principal.ts';
import type { BuiltTool, CallPlan } from './registry.ts';

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/** A result and the HTTP status it stands for (written in the audit row). */
export interface ToolOutcome {
  result: ToolResult;
  status: number;
}

export function successResult(tool: BuiltTool, plan: CallPlan, answer: Record<string, unknown>): ToolOutcome {
  const when = Object.entries(plan.variant.when).map(([k, v]) => `${k}=${v}`).join(' ');
  const summary = `${tool.spec.name}${when ? ' ' + when : ''}: ${when ? plan.op.summary : tool.spec.title}${countOf(answer)}`;
  return {
    result: { content: [{ type: 'text', text: summary + itemLines(answer) }], structuredContent: answer },
    status: plan.op.status ?? 200,
  };
}

const MAX_LINES = 20;

/** One line per listed item (`- task 0193…: Landing copy [todo]`), or the one entity's. */
function itemLines(answer: Record<string, unknown>): string {
  const data = answer.data as Record<string, unknown> | unknown[] | undefined;
  const list = listOf(answer);
  const one = data && !Array.isArray(data) ? ((data.workspace as object | undefined) ?? data) : Object.values(answer).find((v) => v && typeof v === 'object' && !Array.isArray(v) && 'id' in v);
  const items = list ?? [one].filter(Boolean);
  const lines: string[] = [];
  for (const item of items.slice(0, MAX_LINES) as Record<string, unknown>[]) {
    if (!item || typeof item !== 'object' || (!('id' in item) && !('entity_id' in item))) continue;
    const kind = item.type ?? item.entity_type ?? item.kind ?? '';
    const id = item.id ?? item.entity_id;
    const name = item.title ?? item.name ?? item.message ?? '';
    const status = item.status ? ` [${String(item.status)}]` : '';
    lines.push(`- ${kind ? `${String(kind)} ` : ''}${String(id)}${name ? `: ${String(name)}` : ''}${status}`);
  }
  const more = list && list.length > MAX_LINES ? `\n… ${list.length - MAX_LINES} more` : '';
  return lines.length ? `\n${lines.join('\n')}${more}\n(the full answer is in structuredContent)` : '';
}

function listOf(answer: Record<string, unknown>): unknown[] | undefined {
  const data = (answer.data ?? answer) as Record<string, unknown>;
  return [data.results, data.recommendations, answer.data, answer.initiatives, answer.tenants, answer.employees, answer.shops, answer.templates, answer.feedback].find(Array.isArray) as
    | unknown[]
    | undefined;
}

/** "— 10 of 230" for lists. */
function countOf(answer: Record<string, unknown>): string {
  const data = (answer.data ?? answer) as Record<string, unknown>;
  const total = typeof data.total === 'number' ? data.total : typeof answer.total === 'number' ? answer.total : null;
  const list = listOf(answer);
  if (list && total !== null) return ` — ${list.length} of ${total}`;
  if (list) return ` — ${list.length}`;
  return '';
}

export function invalidArguments(tool: BuiltTool, principal: Principal, fieldErrors: FieldErrors): ToolOutcome {
  return errorResult(tool, principal, { status: 400, code: 'invalid_arguments', message: 'Invalid arguments', fieldErrors } as AppError);
}

export function errorResult(tool: BuiltTool, principal: Principal, err: Pick<AppError, 'status' | 'code' | 'message' | 'fieldErrors'>, scope?: string): ToolOutcome {
  const code = err.code === 'validation_failed' ? 'invalid_arguments' : err.code;
  const next = nextCall(tool, principal, code, scope);
  const error: Record<string, unknown> = { code, message: err.message, status: err.status };
  if (err.fieldErrors && Object.keys(err.fieldErrors).length) error.field_errors = err.fieldErrors;
  if (scope) error.required_scope = scope;
  error.next = next;
  const fields = err.fieldErrors ? Object.entries(err.fieldErrors).map(([k, v]) => `\n- ${k}: ${v.join('; ')}`).join('') : '';
  return {
    result: { isError: true, content: [{ type: 'text', text: `Error ${code}: ${err.message}${fields}\nNext: ${next}` }], structuredContent: { error } },
    status: err.status,
  };
}

function nextCall(tool: BuiltTool, principal: Principal, code: string, scope?: string): string {
  switch (code) {
    case 'insufficient_scope':
      return principal.kind === 'oauth_token'
        ? `Reconnect this MCP server and approve the "${scope}" scope (your role must allow it)`
        : `Use a credential with the "${scope}" permission (dashboard → API keys), or connect with OAuth and approve that scope`;
    case 'invalid_arguments':
      return `Fix the arguments named in field_errors; tools/list has ${tool.spec.name}'s input schema`;
    case 'not_found':
      return tool.spec.notFoundHint;
    case 'conflict':
      return 'Read the current state with orgx_inspect (type and id) and choose an action allowed from it';
    case 'human_required':
      return 'A person must approve or reject: use a user key (oxk_…) or a user’s OAuth sign-in, or the dashboard';
    case 'workspace_required':
      return 'Platform credentials name the workspace: pass workspace_id (see reviews_tenants action=list)';
    case 'rate_limited':
      return 'Wait for the top of the hour (the hourly limit resets then)';
    case 'forbidden':
      return 'Call orgx_bootstrap to see what this credential may do';
    default:
      return 'Retry with backoff; if it persists, report the request id in the audit log';
  }
}

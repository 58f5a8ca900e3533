// What an MCP tool is, before it is built: a name, words, and its variants — each one operation
// of the REST doors (src/platform/operations.ts), chosen by the tool's discriminating arguments
// (`action`, `type`). The registry (registry.ts) turns these into the tool list and call plans
// once at start; a call runs the operation's own `run`, so a tool is never a second
// implementation.
import type { z } from 'zod';

export type InputPart = 'params' | 'query' | 'body';

export interface Variant {
  /** The discriminating arguments' values that select it: `{ action: 'approve' }`, `{ type: 'task' }`. */
  when: Record<string, string>;
  /** The operation id it runs (`approveDecision` is `actOnDecision` with `params.action` fixed). */
  operation: string;
  /** Inputs the tool fixes for this variant; the caller cannot send them. */
  fixed?: Partial<Record<InputPart, Record<string, unknown>>>;
  /** Tool argument → the operation's input field (`id` → `decisionId`, `run_id` → `runId`). */
  rename?: Record<string, string>;
  /**
   * The tool's remaining arguments travel as one body field, validated by the operation itself
   * (executeTool's `args`); `schema` documents them in the tool's input schema.
   */
  argsInto?: { field: string; schema: z.ZodType };
  /** Extra words for this variant in the tool description. */
  note?: string;
}

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  /** The arguments whose values choose the variant, each with its description. */
  discriminators: Record<string, string>;
  variants: Variant[];
  /** Which API's conventions the operations follow: `client` (Work, a workspace) or `v1` (Reviews). */
  api: 'client' | 'v1';
  /** What to run when an id is not found (the next call that helps). */
  notFoundHint: string;
}

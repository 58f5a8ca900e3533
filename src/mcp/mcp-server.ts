// The MCP server of one request, from the SDK: a low-level `Server` whose two handlers only look
// things up in the registry built at start (tools/list answers the prebuilt list; tools/call runs
// call-tool.ts). Two ways in, both the SDK's own:
// - 2025-era clients (2025-06-18, 2025-11-25 …: `initialize`, then calls with no session) go to a
//   stateless Streamable HTTP transport per request that answers plain JSON (no SSE stream: no
//   tool here sends progress), which is what keeps a call cheap;
// - 2026-07-28 clients (the per-request `_meta` envelope, `server/discover`) go to the SDK's
//   `createMcpHandler` in its modern-only mode.
import { createMcpHandler, isLegacyRequest, Server, WebStandardStreamableHTTPServerTransport, type AuthInfo, type ListToolsResult, type McpRequestContext } from '@modelcontextprotocol/server';
import { callTool, type CallContext } from './call-tool.ts';
import { INSTRUCTIONS } from './instructions.ts';
import type { BuiltTool } from './registry.ts';

export const SERVER_INFO = { name: 'orgstack', title: 'orgstack', version: '0.1.0' };

/** What a request hands the server: who calls, and where the tool call's audit facts go. */
export interface RequestFacts extends CallContext {
  /** Set by a tools/call: the audit route `mcp:<tool>` and the status the result stands for. */
  audit?: { tool: string; status: number };
}

export interface McpDoor {
  serve(request: Request, parsedBody: unknown, facts: RequestFacts): Promise<Response>;
}

export function createMcpDoor(tools: Map<string, BuiltTool>): McpDoor {
  // The SDK's Tool type spells out JSON Schema; ours are built from zod and are objects too.
  const list = { tools: [...tools.values()].map((t) => t.definition) } as unknown as ListToolsResult;

  const factory = (ctx: McpRequestContext) => {
    const facts = ctx.authInfo?.extra?.facts as RequestFacts;
    const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
    server.setRequestHandler('tools/list', () => list);
    server.setRequestHandler('tools/call', async (request) => {
      const { name, arguments: args } = request.params;
      const tool = tools.get(name);
      if (!tool) {
        facts.audit = { tool: 'unknown', status: 404 };
        return {
          isError: true,
          content: [{ type: 'text' as const, text: `Error unknown_tool: no tool named ${JSON.stringify(name.slice(0, 100))}\nNext: call tools/list` }],
          structuredContent: { error: { code: 'unknown_tool', message: 'No such tool', status: 404, next: 'Call tools/list for the tools this server has' } },
        };
      }
      const outcome = await callTool(facts, tool, args);
      facts.audit = { tool: name, status: outcome.status };
      return outcome.result;
    });
    return server;
  };

  const modern = createMcpHandler(factory, { legacy: 'reject' });

  return {
    async serve(request, parsedBody, facts) {
      const authInfo: AuthInfo = { token: '', clientId: facts.principal.credentialId, scopes: [...facts.principal.permissions], extra: { facts } };
      if (!(await isLegacyRequest(request, parsedBody))) return modern.fetch(request, { authInfo, parsedBody });
      const server = factory({ era: 'legacy', authInfo, requestInfo: request });
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      const close = () => {
        void transport.close().catch(() => {});
        void server.close().catch(() => {});
      };
      try {
        const response = await transport.handleRequest(request, { parsedBody, authInfo });
        // A JSON answer is complete: the exchange holds no timer or stream, and the pair is simply
        // dropped (closing it builds a ConnectionClosed error per request for nobody to read).
        if (!(response.headers.get('content-type') ?? '').startsWith('application/json')) close();
        return response;
      } catch (err) {
        close();
        throw err;
      }
    },
  };
}

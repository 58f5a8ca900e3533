// The server's `instructions`: what a model reads first, so it starts with the calls that orient it.
export const INSTRUCTIONS = `orgstack: governed agent work (Work) and customer reviews (Reviews) for one business.

Start every session with these calls, in order:
1. workspace action=get — which workspace you act in, and the capabilities (scopes) you hold.
2. orgx_recommend — what needs attention now, each item with the exact call to make next (suggested_call).
3. orgx_search type=decision status=pending — the decisions waiting for a person.

Then: orgx_search to find anything by words; orgx_inspect type+id to read one item; orgx_write to create or update;
orgx_act for lifecycle moves (launch, complete, block …); orgx_decide to ask for or resolve decisions
(approve/reject need a person's credential); orgx_spawn guard before spawn; orgx_emit_activity to report a run's progress;
orgx_attach to register what you produced. Reviews tools (reviews_*) manage shops, employees and their review links,
templates, analytics and private feedback.

Errors come back as results with isError: structuredContent.error has code, message, field_errors (bad arguments)
and next — the call that helps (a missing scope to grant, the search to run for an unknown id).
The server is stateless: nothing you "set" is remembered; platform credentials pass workspace_id on each Work call.`;

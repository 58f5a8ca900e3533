// The Work module's part of the demo tenant (`orgstack demo`, see src/reviews/demo-data.ts): three
// initiatives a salon would run, with workstreams, milestones, tasks, agents dispatched on them,
// runs finished and still running, decisions waiting in the inbox (and one already approved),
// artifacts, and so a searchable memory. Everything goes through the Work services, exactly as
// the API's operations call them, so every change writes its event and the cascade (task →
// workstream → initiative progress, auto-continue) runs as in real use. The module hands this to
// the platform as its `demo` hook (src/work/module.ts), so the demo command never imports Work.
import type { DemoTenantRef, ModuleDemo } from '../platform/module.ts';
import { TENANT_PERMISSIONS } from '../platform/permissions.ts';
import type { Principal, ServiceContext } from '../platform/principal.ts';
import { createAgent } from './agents.ts';
import { createArtifact } from './artifacts.ts';
import { createDecision, resolveDecision } from './decisions.ts';
import { createInitiative } from './initiatives.ts';
import { createMilestone } from './milestones.ts';
import { postActivity } from './run-activity.ts';
import { actOnRun, dispatchRun } from './runs.ts';
import { createTask } from './tasks.ts';
import { createWorkstream } from './workstreams.ts';

/**
 * The two kinds of caller the demo plays: the owner (a person: plans the work, dispatches agents,
 * approves decisions) and the agents' automation (reports activity, finishes runs, files
 * artifacts), like a tenant key an agent runtime holds.
 */
function callers(ctx: ServiceContext, ref: DemoTenantRef) {
  const base = { tenantId: ref.tenantId, keyPrefix: null, permissions: new Set(TENANT_PERMISSIONS), hourlyLimit: 0 };
  const owner: Principal = { ...base, kind: 'session', credentialId: ref.ownerUserId, userId: ref.ownerUserId, human: true };
  const automation: Principal = { ...base, kind: 'tenant_key', credentialId: 'demo-agent-runtime', userId: null, human: false };
  return {
    owner: { ...ctx, principal: owner },
    agents: { ...ctx, principal: automation },
  };
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** Where the demo's artifacts "live": a documents host of the example domain, never fetched. */
const doc = (name: string) => `https://docs.example.com/harbour-lane/${name}`;

export const seedWorkDemo: ModuleDemo = async (ctx, ref) => {
  const w = ref.tenantId;
  const { owner, agents } = callers(ctx, ref);
  const counts = { initiatives: 0, workstreams: 0, milestones: 0, tasks: 0, runs: 0, decisions: 0, pendingDecisions: 0, artifacts: 0, agents: 0 };

  // A custom agent beside the seven canonical ones: the salon's own front-desk assistant.
  await createAgent(owner, w, {
    name: 'front-desk-agent',
    domain: 'operations',
    description: 'Answers booking messages and keeps the appointment book tidy.',
  });
  counts.agents++;

  const initiative = async (body: Parameters<typeof createInitiative>[2]) => {
    counts.initiatives++;
    return createInitiative(owner, w, body);
  };
  const workstream = async (body: Parameters<typeof createWorkstream>[2]) => {
    counts.workstreams++;
    return createWorkstream(owner, w, body);
  };
  const milestone = async (body: Parameters<typeof createMilestone>[2]) => {
    counts.milestones++;
    return createMilestone(owner, w, body);
  };
  const task = async (body: Parameters<typeof createTask>[2]) => {
    counts.tasks++;
    return createTask(owner, w, body);
  };
  const dispatch = async (agent: string, taskId: string, summary: string) => {
    counts.runs++;
    return dispatchRun(owner, w, { agent_id: agent, task_id: taskId, summary });
  };
  const decision = async (body: Parameters<typeof createDecision>[2]) => {
    counts.decisions++;
    return createDecision(agents, w, body);
  };
  const artifact = async (body: Parameters<typeof createArtifact>[2]) => {
    counts.artifacts++;
    return createArtifact(agents, w, { created_by_type: 'agent', ...body });
  };

  // 1. The spring colour campaign: under way, a post series done, photos being shot, the offer
  //    waiting for the owner's approval.
  const spring = await initiative({
    title: 'Spring colour campaign',
    summary: 'Fill the March colour appointments: Xiaohongshu posts, an email to regulars and a first-visit offer.',
    priority: 'high',
    status: 'active',
    target_date: days(30),
  });
  const content = await workstream({ initiative_id: spring.id, name: 'Campaign content', summary: 'Posts, photos and the email.' });
  const offers = await workstream({ initiative_id: spring.id, name: 'Launch offer', summary: 'Price and book the first-visit offer.', depends_on: [content.id] });
  const creative = await milestone({ initiative_id: spring.id, workstream_id: content.id, title: 'Creative ready', due_date: days(10) });
  const posts = await task({
    workstream_id: content.id,
    milestone_id: creative.id,
    title: 'Write five Xiaohongshu posts on spring colour trends',
    description: 'Balayage, copper tones and gloss treatments, each with a before/after idea.',
    priority: 'high',
  });
  const photos = await task({ workstream_id: content.id, milestone_id: creative.id, title: 'Shoot before/after photos at Harbour Lane', priority: 'medium' });
  await task({ workstream_id: content.id, title: 'Draft the email to regulars', description: 'Short, warm, with the offer and a booking link.', priority: 'medium' });
  await task({ workstream_id: offers.id, title: 'Set the first-visit price for colour services', priority: 'high' });
  await task({ workstream_id: offers.id, title: 'Add the offer to the booking page', priority: 'low' });

  const postsRun = await dispatch('marketing-agent', posts.id, 'Five posts on spring colour trends');
  await postActivity(agents, w, postsRun.id, { phase: 'execution', message: 'Drafted five posts; checking tone against the salon’s earlier posts.', progress_pct: 60 });
  await artifact({
    entity_type: 'task',
    entity_id: posts.id,
    name: 'Xiaohongshu post drafts (spring colour)',
    artifact_type: 'document',
    artifact_url: doc('spring-colour-posts'),
    status: 'approved',
    preview_markdown: '## Spring colour at Harbour Lane\n\n1. **Copper is back** — warm tones for the new season\n2. **Gloss, not dye** — a shine treatment in 30 minutes\n3. Balayage before/after\n4. Meet the colour team\n5. First-visit offer',
  });
  // Completing the run completes the task; auto-continue starts the photo shoot next.
  await actOnRun(agents, w, postsRun.id, 'complete', { summary: 'Five posts drafted and approved for scheduling.', quality_score: 4 });

  const photoRun = await dispatch('design-agent', photos.id, 'Shot list and retouching for the before/after photos');
  await postActivity(agents, w, photoRun.id, { phase: 'intent', message: 'Planning a shot list of eight looks with the stylists on Saturday.' });
  await postActivity(agents, w, photoRun.id, { phase: 'execution', message: 'Shot list ready; waiting for the Saturday session.', progress_pct: 35, next_step: 'Retouch and crop for 3:4' });

  const offer = await decision({
    title: 'Approve the first-visit offer for colour services',
    summary: 'The campaign needs a launch offer. Competitors on Harbour Lane offer 10–20% off a first colour.',
    type: 'approval',
    urgency: 'high',
    initiative_id: spring.id,
    agent_id: 'marketing-agent',
    options: [
      { id: 'fifteen', label: '15% off the first colour', description: 'Matches the strongest local offer' },
      { id: 'gloss', label: 'A free gloss treatment with the first colour', description: 'Keeps the price, adds value' },
      { id: 'none', label: 'No offer', description: 'Rely on the posts alone' },
    ],
  });
  await artifact({
    entity_type: 'decision',
    entity_id: offer.id,
    name: 'Local colour offers compared',
    artifact_type: 'report',
    external_url: doc('colour-offers-compared'),
    status: 'in_review',
    preview_markdown: '| salon | offer |\n|---|---|\n| Riverside Hair | 20% off first colour |\n| Studio Nine | free toner |\n| Lane & Co | none |',
  });

  // 2. Answering every review within a day: a finished playbook (its publication approved by the
  //    owner), a weekly digest being built, and a refund question for today.
  const replies = await initiative({
    title: 'Answer every review within a day',
    summary: 'Reply to Google and Xiaohongshu reviews and private feedback within 24 hours, in the customer’s language.',
    priority: 'medium',
    status: 'active',
    target_date: days(45),
  });
  const inbox = await workstream({ initiative_id: replies.id, name: 'Feedback inbox', summary: 'Templates, routing and a weekly digest.' });
  const playbook = await task({ workstream_id: inbox.id, title: 'Write reply templates for 1–3 star feedback (English and Chinese)', priority: 'high' });
  const digest = await task({ workstream_id: inbox.id, title: 'Send managers a weekly review digest', priority: 'medium' });
  await task({ workstream_id: inbox.id, title: 'Route feedback to the shop that received it', priority: 'low' });

  const playbookRun = await dispatch('operations-agent', playbook.id, 'Reply templates for unhappy customers');
  const templates = await artifact({
    entity_type: 'task',
    entity_id: playbook.id,
    name: 'Reply playbook for 1–3 star feedback',
    artifact_type: 'document',
    artifact_url: doc('reply-playbook'),
    status: 'approved',
    preview_markdown: '**Waited too long** — apologise, name the fix (SMS when running late), offer priority booking.\n\n**Colour not as agreed** — apologise, offer a free correction within 7 days.\n\n**等待太久** — 致歉，说明改进措施，并提供优先预约。',
  });
  const publish = await decision({
    title: 'Publish the reply playbook to all stylists',
    summary: `The playbook (${templates.name}) is ready for both shops.`,
    urgency: 'medium',
    task_id: playbook.id,
    agent_id: 'operations-agent',
    options: [{ id: 'publish', label: 'Publish now' }, { id: 'wait', label: 'Review it at the Monday meeting first' }],
  });
  await resolveDecision(owner, w, publish.id, 'approve', { option_id: 'publish', note: 'Looks good. Share it in the staff group too.' });
  await actOnRun(agents, w, playbookRun.id, 'complete', { summary: 'Playbook written in English and Chinese; published after approval.', quality_score: 5 });

  const digestRun = await dispatch('operations-agent', digest.id, 'Weekly digest of ratings and feedback per shop');
  await postActivity(agents, w, digestRun.id, { phase: 'execution', message: 'First digest drafted from the last 7 days of analytics.', progress_pct: 50, next_step: 'Add the per-employee table' });
  await decision({
    title: 'Refund or redo for the colour complaint at Riverside?',
    summary: 'A customer rated 1 star: the colour came out much darker than agreed, and she left her number. The stylist offers a free correction.',
    type: 'escalation',
    urgency: 'critical',
    initiative_id: replies.id,
    agent_id: 'front-desk-agent',
    options: [
      { id: 'redo', label: 'Offer a free correction this week' },
      { id: 'refund', label: 'Refund the colour in full' },
      { id: 'both', label: 'Correction and a 50% refund' },
    ],
  });

  // 3. Online booking: planned, not started, with one question for the owner.
  const booking = await initiative({
    title: 'Open online booking',
    summary: 'Let customers book a stylist and a time from Google Maps and our website.',
    priority: 'medium',
    target_date: days(75),
  });
  const setup = await workstream({ initiative_id: booking.id, name: 'Booking set-up' });
  const chooser = await milestone({ initiative_id: booking.id, title: 'Booking provider chosen', due_date: days(21) });
  await task({ workstream_id: setup.id, milestone_id: chooser.id, title: 'Compare three booking providers (price, Google integration, WeChat)', priority: 'medium' });
  await task({ workstream_id: setup.id, title: 'Collect each stylist’s working hours', priority: 'low' });
  await decision({
    title: 'Which services may customers book online?',
    summary: 'Cuts and blow-dries are easy to book; colour needs a consultation first.',
    type: 'clarification',
    urgency: 'low',
    initiative_id: booking.id,
    agent_id: 'product-agent',
    options: [{ id: 'cuts', label: 'Cuts and blow-dries only' }, { id: 'all', label: 'Everything, colour with a consultation slot' }],
  });

  counts.pendingDecisions = counts.decisions - 1;
  return {
    counts,
    summary:
      `${counts.initiatives} initiatives, ${counts.workstreams} workstreams, ${counts.milestones} milestones, ${counts.tasks} tasks, ` +
      `${counts.runs} agent runs, ${counts.artifacts} artifacts; ${counts.pendingDecisions} decisions waiting in the inbox`,
  };
};

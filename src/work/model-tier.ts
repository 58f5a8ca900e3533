// Which model tier a dispatch is routed to (the spawn preflight of docs/work-api-contract.md): from
// the task's priority and the length of its description. Priority counts low 0, medium 1, high 2; a
// long description (≥ 2,000 characters) adds one, a short one (< 300) takes one away; 2 or more is
// `precision`, 0 or less `standard`, 1 `balanced`. So a plain medium task with a short note runs on
// the standard tier and a high-priority task with a full brief on the precision tier.
export const MODEL_TIERS = ['standard', 'balanced', 'precision'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

const PRIORITY_WEIGHT: Record<string, number> = { low: 0, medium: 1, high: 2 };

export function modelTierFor(priority: string | null | undefined, description: string | null | undefined): ModelTier {
  const length = description?.length ?? 0;
  const score = (PRIORITY_WEIGHT[priority ?? 'medium'] ?? 1) + (length >= 2000 ? 1 : length < 300 ? -1 : 0);
  return score >= 2 ? 'precision' : score <= 0 ? 'standard' : 'balanced';
}

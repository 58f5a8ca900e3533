// Who acts in a workspace: a person or an automation, as decisions and runs record it.
import { AppError } from '../platform/errors.ts';
import type { Principal } from '../platform/principal.ts';

/** Approving or rejecting needs a person: agents must not approve their own requests. */
export function requireHuman(p: Principal): void {
  if (!p.human) {
    throw new AppError(403, 'human_required', 'Only a person may do this: use a dashboard session or a user key (oxk_…), not a tenant or platform key');
  }
}

/** Who is acting, as decisions and runs record it. */
export function actorOf(p: Principal): { type: 'user' | 'key'; id: string } {
  return p.userId ? { type: 'user', id: p.userId } : { type: 'key', id: p.credentialId };
}

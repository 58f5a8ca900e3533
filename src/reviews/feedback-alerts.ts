// Owner alerts for negative private feedback: every owner and admin of the tenant with an email
// address gets one mail (when the tenant's notifyOnNegativeFeedback is on). Written to the mail
// outbox in the feedback's own transaction; the caller delivers after the commit.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import type { QueuedMail } from '../platform/mailer.ts';
import type { Runtime } from '../platform/runtime.ts';

export interface NegativeFeedback {
  tenantId: string;
  tenant_name: string;
  shop_name: string;
  employee_name: string;
  rating: number;
  message: string;
  hasContact: boolean;
}

export async function queueNegativeFeedbackAlerts(tx: Db, rt: Runtime, f: NegativeFeedback): Promise<QueuedMail[]> {
  const recipients = await queryRows<{ email: string }>(
    tx,
    sql`select email from users where tenant_id = ${f.tenantId} and role in ('owner', 'admin') and email is not null order by created_at`,
  );
  const inbox = `${rt.config.publicUrl}/dashboard/feedback`;
  // The contact itself stays out of the mail: mail outbox rows outlive the tenant's contact
  // retention period, and the inbox shows it for as long as it is kept.
  const text = [
    `A customer left private feedback for ${f.tenant_name}.`,
    '',
    `Shop:     ${f.shop_name}`,
    `Employee: ${f.employee_name}`,
    `Rating:   ${f.rating} of 5`,
    '',
    'Message:',
    ...f.message.split('\n').map((line) => `  ${line}`),
    '',
    f.hasContact ? 'The customer left contact details for a reply; they are shown in the inbox.' : 'The customer left no contact details.',
    '',
    `Open the feedback inbox: ${inbox}`,
    '',
    'You get this because you are an owner or admin and negative-feedback alerts are on (Settings).',
  ].join('\n');
  const subject = `Private feedback (${f.rating}★) — ${f.shop_name} / ${f.employee_name}`;
  const mailer = rt.mailer;
  const queued: QueuedMail[] = [];
  for (const { email } of recipients) queued.push(await mailer.enqueue(tx, { tenantId: f.tenantId, to: email, subject, text }));
  return queued;
}

// Outgoing email. Every mail is first written to the mail_outbox table — inside the caller's
// transaction, so it exists exactly when the change that caused it committed — and delivered only
// after that commit: SMTP via nodemailer when SMTP_URL is set, otherwise written to the log (warn)
// and kept in the outbox with status `logged`, so a mail is never silently lost. Delivery never
// throws into the caller: a failed send is recorded on its outbox row.
import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { mailOutbox } from './tables.ts';
import { uuidv7 } from './ids.ts';

export type MailStatus = 'pending' | 'sent' | 'failed' | 'logged';

export interface OutgoingMail {
  tenantId: string | null;
  to: string;
  subject: string;
  text: string;
  /**
   * Substrings (such as a reset token) replaced by `[redacted]` in the outbox once the mail was
   * handed to SMTP: a delivered mail needs no live secret in the database. A mail that could only
   * be logged keeps them, because the outbox is then the operator's way to the link.
   */
  secrets?: string[];
}

export interface QueuedMail extends OutgoingMail {
  id: string;
}

export interface Mailer {
  /** Writes the mail to the outbox with `tx`, the transaction of the change that causes it. */
  enqueue(tx: Db, mail: OutgoingMail): Promise<QueuedMail>;
  /** After the commit: sends (or logs) the mail and records the outcome. Never throws. */
  deliver(mail: QueuedMail): Promise<MailStatus>;
  close(): void;
}

// Bounded, because delivery runs while the request that caused the mail waits for its answer.
const SMTP_TIMEOUTS = { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 };

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, db: Db, log: FastifyBaseLogger): Mailer {
  const transport = config.smtpUrl ? nodemailer.createTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS }) : null;

  const record = (id: string, set: Partial<typeof mailOutbox.$inferInsert>) => db.update(mailOutbox).set(set).where(eq(mailOutbox.id, id));

  return {
    async enqueue(tx, mail) {
      const id = uuidv7();
      await tx.insert(mailOutbox).values({ id, tenantId: mail.tenantId, to: mail.to, subject: mail.subject, text: mail.text, status: 'pending' });
      return { ...mail, id };
    },

    async deliver(mail) {
      try {
        if (!transport) {
          log.warn({ mailId: mail.id, to: mail.to, subject: mail.subject, text: mail.text }, 'SMTP_URL is not set: mail written to the log and kept in mail_outbox');
          await record(mail.id, { status: 'logged' });
          return 'logged';
        }
        await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
        const text = (mail.secrets ?? []).filter(Boolean).reduce((t, s) => t.replaceAll(s, '[redacted]'), mail.text);
        await record(mail.id, { status: 'sent', sentAt: new Date(), text });
        return 'sent';
      } catch (err) {
        log.error({ err, mailId: mail.id, to: mail.to }, 'mail delivery failed; kept in mail_outbox');
        await record(mail.id, { status: 'failed', error: String((err as Error)?.message ?? err).slice(0, 500) }).catch(() => {});
        return 'failed';
      }
    },

    close() {
      transport?.close();
    },
  };
}

// Outgoing mail and reset-password tokens, against a real local SMTP server (smtp-server): the
// outbox row written in the transaction, delivery only after commit, the no-SMTP fallback, a
// failing server, and the owner-mode provisioning email whose link works exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { queryRows } from '../../src/db/index.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { mailOutbox, userTokens, users } from '../../src/platform/tables.ts';
import { sha256Hex } from '../../src/platform/secrets.ts';
import { consumeUserToken, issueUserToken, resetPasswordLink, RESET_PASSWORD_TTL_MS } from '../../src/platform/user-tokens.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { mailHeader as header, startSmtpServer, textBody, type LocalSmtp, type ReceivedMail } from '../helpers/smtp.ts';

let smtp: LocalSmtp;
let smtpUrl: string;
let inbox: ReceivedMail[];
let t: TestApp;
let platformKey: string;

before(async () => {
  smtp = await startSmtpServer();
  smtpUrl = smtp.url;
  inbox = smtp.inbox;
  t = await startTestApp({ SMTP_URL: smtpUrl, MAIL_FROM: 'Reviews <reviews@orgstack.test>' });
  platformKey = await t.platformKey();
});

after(async () => {
  await t.close();
  await smtp.close();
});

function capturingLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  return { lines, log: { warn: at('warn'), error: at('error'), info: at('info') } as unknown as FastifyBaseLogger };
}

const outboxRow = async (id: string) => (await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.id, id)))[0];

describe('the mailer', () => {
  test('SMTP: the outbox row is written in the transaction, sent after it, then marked sent with its secrets redacted', async () => {
    const { log } = capturingLog();
    const mailer = createMailer({ smtpUrl, mailFrom: 'Reviews <reviews@orgstack.test>' }, t.rt.db, log);
    try {
      const queued = await t.rt.db.transaction(async (tx) =>
        mailer.enqueue(tx, { tenantId: null, to: 'someone@example.test', subject: 'Hello there', text: 'Your code is SECRET-123.\nBye', secrets: ['SECRET-123'] }),
      );
      assert.equal((await outboxRow(queued.id)).status, 'pending', 'nothing is sent before deliver()');
      const before = inbox.length;
      assert.equal(await mailer.deliver(queued), 'sent');
      assert.equal(inbox.length, before + 1);
      const mail = inbox.at(-1)!;
      assert.equal(mail.from, 'reviews@orgstack.test');
      assert.deepEqual(mail.to, ['someone@example.test']);
      assert.equal(header(mail.raw, 'Subject'), 'Hello there');
      assert.match(header(mail.raw, 'From')!, /Reviews <reviews@orgstack\.test>/);
      assert.match(textBody(mail.raw), /Your code is SECRET-123\./);

      const row = await outboxRow(queued.id);
      assert.equal(row.status, 'sent');
      assert.ok(row.sentAt instanceof Date);
      assert.equal(row.text, 'Your code is [redacted].\nBye');
      assert.equal(row.error, null);
    } finally {
      mailer.close();
    }
  });

  test('a transaction that rolls back leaves no outbox row', async () => {
    const mailer = createMailer({ smtpUrl, mailFrom: 'x <x@x.test>' }, t.rt.db, capturingLog().log);
    let id = '';
    await assert.rejects(
      t.rt.db.transaction(async (tx) => {
        id = (await mailer.enqueue(tx, { tenantId: null, to: 'a@b.test', subject: 's', text: 't' })).id;
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.equal(await outboxRow(id), undefined);
    mailer.close();
  });

  test('no SMTP_URL: the mail is logged (warn) and kept whole in the outbox as logged', async () => {
    const { lines, log } = capturingLog();
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x <x@x.test>' }, t.rt.db, log);
    const queued = await mailer.enqueue(t.rt.db, { tenantId: null, to: 'a@b.test', subject: 'Reset', text: 'link: https://x/?token=T0K3N', secrets: ['T0K3N'] });
    assert.equal(await mailer.deliver(queued), 'logged');
    const row = await outboxRow(queued.id);
    assert.equal(row.status, 'logged');
    assert.equal(row.text, 'link: https://x/?token=T0K3N', 'the outbox is the way to the link, so it is kept');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 'warn');
    assert.equal(lines[0].obj.to, 'a@b.test');
    assert.equal(lines[0].obj.text, 'link: https://x/?token=T0K3N');
  });

  test('an unreachable SMTP server: deliver() does not throw; the row is failed with the error', async () => {
    const { lines, log } = capturingLog();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, mailFrom: 'x <x@x.test>' }, t.rt.db, log);
    const queued = await mailer.enqueue(t.rt.db, { tenantId: null, to: 'a@b.test', subject: 's', text: 'TOKEN-X', secrets: ['TOKEN-X'] });
    assert.equal(await mailer.deliver(queued), 'failed');
    const row = await outboxRow(queued.id);
    assert.equal(row.status, 'failed');
    assert.match(row.error ?? '', /ECONNREFUSED|connect/i);
    assert.equal(row.text, 'TOKEN-X', 'kept for a resend');
    assert.equal(lines[0].level, 'error');
    mailer.close();
  });
});

describe('user tokens', () => {
  test('single use, expiring, purpose-bound; only the SHA-256 is stored', async () => {
    const owner = await t.createUser({ tenantId: (await t.createTenant()).id, role: 'owner' });
    const issued = await issueUserToken(t.rt.db, owner.id, 'reset_password', RESET_PASSWORD_TTL_MS);
    assert.match(issued.token, /^[A-Za-z0-9]{43}$/);
    const [row] = await t.rt.db.select().from(userTokens).where(eq(userTokens.id, issued.id));
    assert.equal(row.tokenHash, sha256Hex(issued.token));
    assert.ok(!JSON.stringify(row).includes(issued.token));

    assert.equal(await consumeUserToken(t.rt.db, issued.token, 'invite'), null, 'another purpose');
    assert.equal(await consumeUserToken(t.rt.db, `${issued.token}x`, 'reset_password'), null, 'another token');
    assert.equal(await consumeUserToken(t.rt.db, '', 'reset_password'), null);
    assert.deepEqual(await consumeUserToken(t.rt.db, issued.token, 'reset_password'), { userId: owner.id });
    assert.equal(await consumeUserToken(t.rt.db, issued.token, 'reset_password'), null, 'the second use fails');

    const expiring = await issueUserToken(t.rt.db, owner.id, 'reset_password', 1000);
    assert.equal(await consumeUserToken(t.rt.db, expiring.token, 'reset_password', new Date(expiring.expiresAt.getTime() + 1)), null, 'expired');
    assert.deepEqual(await consumeUserToken(t.rt.db, expiring.token, 'reset_password', new Date(expiring.expiresAt.getTime() - 1)), { userId: owner.id });
  });

  test('two concurrent uses of one token: exactly one wins', async () => {
    const owner = await t.createUser({ tenantId: (await t.createTenant()).id, role: 'owner' });
    const issued = await issueUserToken(t.rt.db, owner.id, 'reset_password', RESET_PASSWORD_TTL_MS);
    const results = await Promise.all([1, 2, 3].map(() => consumeUserToken(t.rt.db, issued.token, 'reset_password')));
    assert.equal(results.filter((r) => r !== null).length, 1);
  });

  test('the reset link is PUBLIC_URL/dashboard/reset-password?token=…', () => {
    assert.equal(resetPasswordLink('https://r.example', 'abc'), 'https://r.example/dashboard/reset-password?token=abc');
  });
});

describe('owner-mode provisioning over SMTP', () => {
  test('the owner receives the email; its link carries a token that works once; no live token stays in the database', async () => {
    const before = inbox.length;
    const res = await t.call('POST', '/api/v1/tenants', {
      key: platformKey,
      body: { name: 'Mail Test Florist', vertical: 'retail', xhsInput: '@florist', ownerEmail: 'owner@florist.example' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.mode, 'owner');
    assert.equal(body.temporaryPassword, null);

    assert.equal(inbox.length, before + 1, 'delivered by the time the 201 is sent');
    const mail = inbox.at(-1)!;
    assert.deepEqual(mail.to, ['owner@florist.example']);
    assert.equal(mail.from, 'reviews@orgstack.test');
    assert.match(header(mail.raw, 'Subject')!, /Mail Test Florist/);
    const text = textBody(mail.raw);
    assert.match(text, /Your username is: mail-test-florist/);
    const link = /(http:\/\/orgstack\.test\/dashboard\/reset-password\?token=([A-Za-z0-9]+))/.exec(text);
    assert.ok(link, text);
    const token = link[2];

    const [user] = await t.rt.db.select().from(users).where(eq(users.tenantId, body.id));
    assert.equal(user.username, body.loginUsername);
    const [outbox] = await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, body.id));
    assert.equal(outbox.status, 'sent');
    assert.ok(!outbox.text.includes(token), 'the delivered mail no longer holds the live token');
    assert.match(outbox.text, /reset-password\?token=\[redacted\]/);

    // No table holds the token itself.
    const tables = await queryRows<{ table_name: string }>(
      t.rt.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables) {
      const [hit] = await queryRows<{ n: number | string }>(
        t.rt.db,
        sql`select count(*) as n from ${sql.identifier(table_name)} x where x::text like ${`%${token}%`}`,
      );
      assert.equal(Number(hit.n), 0, `${table_name} holds the token`);
    }

    // The link's token works exactly once, for this user.
    const url = new URL(link[1]);
    assert.deepEqual(await consumeUserToken(t.rt.db, url.searchParams.get('token')!, 'reset_password'), { userId: user.id });
    assert.equal(await consumeUserToken(t.rt.db, token, 'reset_password'), null);
  });
});

// Endpoint signing secrets: made, kept encrypted, and used to sign each attempt.
//
// A secret is `whsec_<base64 of 32 random bytes>`; as Standard Webhooks does, the HMAC key is the
// decoded bytes after `whsec_`, so the stock `standardwebhooks` verifiers accept our signatures.
// At rest it is sealed with AES-256-GCM under a key derived from the server secret
// (ORGSTACK_SECRET, or the data directory's generated one: src/platform/server-secret.ts).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const SEALED = 'v1';

export const newSigningSecret = () => PREFIX + randomBytes(32).toString('base64');

const keyBytes = (secret: string) => Buffer.from(secret.slice(PREFIX.length), 'base64');

/** Seals and opens endpoint secrets with a key derived from the server secret. */
export class SecretBox {
  private readonly key: Buffer;
  constructor(serverSecret: string) {
    this.key = createHash('sha256').update(`orgstack webhook secrets v1\0${serverSecret}`).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [SEALED, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  /**
   * Opened secrets by their sealed text: every attempt signs, and an endpoint's sealed secret
   * changes only on rotation (bounded; the key that opens them is in this process anyway).
   */
  private opened = new Map<string, string>();

  open(sealed: string): string {
    const known = this.opened.get(sealed);
    if (known !== undefined) return known;
    const plain = this.unseal(sealed);
    if (this.opened.size >= 1000) this.opened.clear();
    this.opened.set(sealed, plain);
    return plain;
  }

  private unseal(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== SEALED) throw new Error('Unknown sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

/**
 * The signature headers of one attempt. `secrets` lists the current secret first and, during a
 * rotation's overlap, the previous one: each header then carries both, space-separated.
 */
export function signatureHeaders(secrets: readonly string[], eventId: string, timestamp: number, body: string): Record<string, string> {
  const orgx = secrets.map((s) => `sha256=${createHmac('sha256', keyBytes(s)).update(body).digest('hex')}`);
  const standard = secrets.map((s) => `v1,${createHmac('sha256', keyBytes(s)).update(`${eventId}.${timestamp}.${body}`).digest('base64')}`);
  return {
    'x-orgx-signature': orgx.join(' '),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standard.join(' '),
  };
}

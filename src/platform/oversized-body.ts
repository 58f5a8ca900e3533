// A body over the limit is refused with 413 before it is read. Fastify then answers at once and
// closes the connection, and a client still sending its body sees a reset (EPIPE, ECONNRESET)
// instead of the answer: the kernel answers its further bytes with RST, which also throws away
// the 413 it has not read yet. So the rest of the body is read and dropped first, and the 413
// follows — on a connection that stays usable, as after any other answer. Up to DRAIN_LIMIT
// bytes: a body declared or found larger is cut off as before (nobody uploads that much by
// mistake), and Node's request timeout bounds a client that sends slowly.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const DRAIN_LIMIT = 16 * 1024 * 1024;

/** Reads the rest of a request and drops it; resolves when it ended, or was cut off. */
function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.complete || req.destroyed) return resolve();
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > DRAIN_LIMIT) req.socket.destroy();
    });
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.resume();
  });
}

export function answerOversizedBodies(app: FastifyInstance) {
  // onError runs (and is awaited) before the error handler of whichever scope answers.
  app.addHook('onError', async (request, reply, error) => {
    if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
    if (Number(request.headers['content-length']) > DRAIN_LIMIT) return;
    await drain(request.raw);
    // Fastify asked to close the connection because the body was left unread; it has been read.
    if (request.raw.complete) reply.removeHeader('connection');
  });
}

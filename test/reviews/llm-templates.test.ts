// Templates for vertical `other` from an OpenAI-compatible endpoint (a local fake server here):
// the request we send, the answers we accept, and every way the endpoint can fail — unset, error,
// slow, malformed — ending in the offline generator. Then through provisioning, end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq } from 'drizzle-orm';
import { generateTemplates, parseTemplateReply, type LlmConfig } from '../../src/reviews/llm-templates.ts';
import { generateOfflineTemplates } from '../../src/reviews/offline-templates.ts';
import { templates } from '../../src/reviews/tables.ts';
import { startTestApp } from '../helpers/app.ts';
import { localServer, type LocalServer } from '../helpers/local-servers.ts';

const EN = Array.from({ length: 10 }, (_, i) => `Lovely visit number ${i + 1}, the bike was fixed quickly and well.`);
const ZH = Array.from({ length: 10 }, (_, i) => `第${i + 1}次来修车，师傅很专业，速度也快。`);

/** What the fake endpoint answers, chosen per test. */
let reply: (language: 'en' | 'zh-CN') => { status?: number; body?: unknown; raw?: string; hang?: boolean } = (language) => ({
  body: completion(JSON.stringify({ texts: language === 'en' ? EN : ZH })),
});

const completion = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});

let llm: LocalServer;
before(async () => {
  llm = await localServer((req, res, body) => {
    const language = body.includes('Simplified Chinese') ? 'zh-CN' : 'en';
    const r = reply(language);
    if (r.hang) return;
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json' }).end(r.raw ?? JSON.stringify(r.body));
  });
});
after(() => llm.close());

const config = (over: Partial<LlmConfig> = {}): LlmConfig => ({
  baseUrl: `${llm.url}/v1`,
  apiKey: 'sk-test-123',
  model: 'test-model',
  timeoutMs: 2000,
  ...over,
});
const DESCRIPTION = 'We are a family-run bicycle repair shop in Leeds';

describe('generateTemplates', () => {
  test('asks the endpoint for exactly 10 texts as JSON, with the model, key and description', async () => {
    reply = (language) => ({ body: completion(JSON.stringify({ texts: language === 'en' ? EN : ZH })) });
    const before = llm.requests.length;
    const out = await generateTemplates(config(), DESCRIPTION, 'en');
    assert.deepEqual(out, { texts: EN, source: 'llm' });
    const req = llm.requests[before];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test-123');
    assert.match(String(req.headers['content-type']), /application\/json/);
    const sent = JSON.parse(req.body);
    assert.equal(sent.model, 'test-model');
    assert.equal(sent.messages.length, 2);
    assert.match(sent.messages[0].content, /JSON only/);
    assert.match(sent.messages[1].content, /exactly 10 different reviews in English/);
    assert.ok(sent.messages[1].content.includes(DESCRIPTION));

    const zh = await generateTemplates(config(), DESCRIPTION, 'zh-CN');
    assert.deepEqual(zh, { texts: ZH, source: 'llm' });
  });

  test('no key configured → no Authorization header', async () => {
    const before = llm.requests.length;
    await generateTemplates(config({ apiKey: undefined }), DESCRIPTION, 'en');
    assert.equal(llm.requests[before].headers.authorization, undefined);
  });

  test('accepted reply shapes: a ```json fence, a bare array, more than 10 (first 10 kept)', () => {
    assert.deepEqual(parseTemplateReply('```json\n' + JSON.stringify({ texts: EN }) + '\n```'), EN);
    assert.deepEqual(parseTemplateReply(JSON.stringify(EN)), EN);
    assert.deepEqual(parseTemplateReply(JSON.stringify({ texts: [...EN, 'An eleventh lovely review here.'] })), EN);
    // Unusable entries are dropped; 10 usable ones remain.
    assert.deepEqual(parseTemplateReply(JSON.stringify({ texts: [...EN, 'Visit https://spam.example now!!'] })), EN);
  });

  test('rejected replies: not JSON, 9 texts, duplicates, URLs, markup, non-strings, too short', () => {
    const bad = [
      'Here are your reviews: 1. Great!',
      JSON.stringify({ texts: EN.slice(0, 9) }),
      JSON.stringify({ texts: [...EN.slice(0, 9), EN[0]] }),
      JSON.stringify({ texts: [...EN.slice(0, 9), 'See www.example.com for more'] }),
      JSON.stringify({ texts: [...EN.slice(0, 9), '<script>alert(1)</script> nice'] }),
      JSON.stringify({ texts: [...EN.slice(0, 9), 42] }),
      JSON.stringify({ texts: [...EN.slice(0, 9), 'ok'] }),
      JSON.stringify({ reviews: EN }),
      'null',
    ];
    for (const content of bad) assert.equal(parseTemplateReply(content), null, content);
  });

  test('unset endpoint → offline, and no request is made', async () => {
    const before = llm.requests.length;
    for (const c of [config({ baseUrl: undefined }), config({ model: undefined })]) {
      const out = await generateTemplates(c, DESCRIPTION, 'en');
      assert.deepEqual(out.texts, offline('en'));
      assert.equal(out.source, 'offline');
      assert.match(out.fallbackReason!, /no LLM endpoint/);
    }
    assert.equal(llm.requests.length, before);
  });

  test('an HTTP error, a malformed body, a reply without content or of 9 texts → offline', async () => {
    const answers = [
      { status: 500, body: { error: { message: 'overloaded' } } },
      { status: 401, body: { error: { message: 'bad key' } } },
      { raw: '<html>gateway error</html>' },
      { body: { choices: [] } },
      { body: completion('Sure! Here are ten reviews: ...') },
      { body: completion(JSON.stringify({ texts: EN.slice(0, 9) })) },
    ];
    for (const answer of answers) {
      reply = () => answer;
      const out = await generateTemplates(config(), DESCRIPTION, 'en');
      assert.equal(out.source, 'offline', JSON.stringify(answer));
      assert.deepEqual(out.texts, offline('en'));
      assert.match(out.fallbackReason!, /^LLM failed: /);
    }
  });

  test('a slow endpoint → offline after the timeout', async () => {
    reply = () => ({ hang: true });
    const started = Date.now();
    const out = await generateTemplates(config({ timeoutMs: 200 }), DESCRIPTION, 'zh-CN');
    const took = Date.now() - started;
    assert.equal(out.source, 'offline');
    assert.deepEqual(out.texts, offline('zh-CN'));
    assert.match(out.fallbackReason!, /timed out after 200 ms/);
    assert.ok(took >= 150 && took < 2000, `took ${took} ms`);
  });

  test('an unreachable endpoint → offline', async () => {
    const out = await generateTemplates(config({ baseUrl: 'http://127.0.0.1:1/v1' }), DESCRIPTION, 'en');
    assert.equal(out.source, 'offline');
  });
});

describe('provisioning vertical other with an LLM configured', () => {
  test('the templates are the LLM texts, 10 per language, in order; a failing LLM falls back to offline', async () => {
    const t = await startTestApp({ LLM_BASE_URL: `${llm.url}/v1`, LLM_MODEL: 'test-model', LLM_TIMEOUT_MS: '1000' });
    try {
      const key = await t.platformKey();
      const rowsOf = async (tenantId: string, language: string) =>
        (await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, tenantId), eq(templates.language, language))).orderBy(asc(templates.sortOrder))).map(
          (r) => r.body,
        );

      reply = (language) => ({ body: completion(JSON.stringify({ texts: language === 'en' ? EN : ZH })) });
      const res = await t.call('POST', '/api/v1/tenants', {
        key,
        body: { name: 'Spoke Repairs', vertical: 'other', businessDescription: DESCRIPTION, xhsInput: '@spoke' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { id, templatesCreated } = res.json();
      assert.equal(templatesCreated, 20);
      assert.deepEqual(await rowsOf(id, 'en'), EN);
      assert.deepEqual(await rowsOf(id, 'zh-CN'), ZH);

      reply = () => ({ hang: true });
      const slow = await t.call('POST', '/api/v1/tenants', {
        key,
        body: { name: 'Spoke Repairs Two', vertical: 'other', businessDescription: DESCRIPTION, xhsInput: '@spoke2' },
      });
      assert.equal(slow.statusCode, 201, slow.body);
      assert.deepEqual(await rowsOf(slow.json().id, 'en'), offline('en'));
      assert.deepEqual(await rowsOf(slow.json().id, 'zh-CN'), offline('zh-CN'));
    } finally {
      await t.close();
    }
  });

  test('LLM_BASE_URL without LLM_MODEL is a configuration error', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    assert.throws(() => loadConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1' }), /LLM_MODEL: required when LLM_BASE_URL is set/);
    assert.equal(loadConfig({}).llm.timeoutMs, 15000);
    assert.equal(loadConfig({}).allowPrivateFetch, false);
    assert.equal(loadConfig({}).mailFrom, 'orgstack <no-reply@localhost>');
  });
});

function offline(language: 'en' | 'zh-CN') {
  return generateOfflineTemplates(DESCRIPTION, language, 10);
}

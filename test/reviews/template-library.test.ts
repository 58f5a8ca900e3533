import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LANGUAGES,
  VERTICALS,
  firstNameOf,
  libraryServices,
  libraryTemplates,
  renderTemplate,
  servicesOf,
  textsForCustomer,
  unknownPlaceholders,
  type Language,
  type Vertical,
} from '../../src/reviews/template-library.ts';
import { extractBusinessPhrase, generateOfflineTemplates } from '../../src/reviews/offline-templates.ts';

const CJK = /[\u3400-\u9fff]/;
const sets = VERTICALS.flatMap((vertical) => LANGUAGES.map((language) => ({ vertical, language })));

describe('template library', () => {
  test('exports the six named verticals and two languages', () => {
    assert.deepEqual([...VERTICALS], ['auto', 'fnb', 'beauty', 'clinic', 'retail', 'services']);
    assert.deepEqual([...LANGUAGES], ['en', 'zh-CN']);
  });

  for (const { vertical, language } of sets) {
    test(`${vertical}/${language}: 10 distinct, clean texts in the right script`, () => {
      const texts = libraryTemplates(vertical, language);
      assert.equal(texts.length, 10);
      assert.equal(new Set(texts).size, 10, 'all distinct');
      for (const text of texts) {
        assert.ok(text.trim().length > 0, 'non-empty');
        assert.equal(text, text.trim(), 'no surrounding whitespace');
        assert.ok(text.length <= 280, `≤ 280 characters: ${text}`);
        assert.doesNotMatch(text, / {2}/, 'no double spaces');
        assert.doesNotMatch(text, /[<>]/);
        // The only placeholder allowed is {employee}.
        assert.doesNotMatch(text.replaceAll('{employee}', ''), /[{}]/, `stray brace: ${text}`);
        if (language === 'zh-CN') assert.match(text, CJK, `zh-CN text has CJK: ${text}`);
        else assert.doesNotMatch(text, CJK, `en text has no CJK: ${text}`);
      }
      const withName = texts.filter((t) => t.includes('{employee}'));
      assert.ok(withName.length <= 3, `at most 3 use {employee}, got ${withName.length}`);
      assert.ok(Object.isFrozen(texts));
    });
  }

  test('unknown vertical or language is rejected', () => {
    assert.throws(() => libraryTemplates('other' as Vertical, 'en'), RangeError);
    assert.throws(() => libraryTemplates('auto', 'fr' as Language), RangeError);
  });
});

describe('renderTemplate', () => {
  for (const { vertical, language } of sets) {
    test(`${vertical}/${language}: renders with and without a name`, () => {
      for (const body of libraryTemplates(vertical, language)) {
        for (const employee of ['Mia', '', undefined, null, '  ', '{x}']) {
          for (const v of [undefined, vertical]) {
            const out = renderTemplate(body, { employee, vertical: v });
            assert.ok(!out.includes('{'), `no '{' in ${out}`);
            assert.ok(!out.includes('}'), `no '}' in ${out}`);
            assert.doesNotMatch(out, / {2}/, `no double spaces in ${out}`);
            assert.equal(out, out.trim());
            if (employee === 'Mia' && body.includes('{employee}')) assert.ok(out.includes('Mia'));
          }
        }
      }
    });
  }

  test('fills the name, or falls back to a neutral phrase', () => {
    const en = 'Thanks to {employee} for the careful work.';
    assert.equal(renderTemplate(en, { employee: 'Mia' }), 'Thanks to Mia for the careful work.');
    assert.equal(renderTemplate(en, { employee: '  Mia  ' }), 'Thanks to Mia for the careful work.');
    assert.equal(renderTemplate(en), 'Thanks to the team for the careful work.');
    assert.equal(renderTemplate(en, { employee: '' }), 'Thanks to the team for the careful work.');
    assert.equal(renderTemplate('{employee} was great. {employee} helped.', {}), 'The team was great. The team helped.');
    assert.equal(renderTemplate('谢谢{employee}的推荐。', {}), '谢谢店员的推荐。');
    assert.equal(renderTemplate('谢谢{employee}的推荐。', { employee: '小王' }), '谢谢小王的推荐。');
    assert.equal(renderTemplate('谢谢{employee}的讲解。', { vertical: 'auto' }), '谢谢师傅的讲解。');
    assert.equal(renderTemplate('Thanks to {employee}.', { language: 'zh-CN' }), 'Thanks to 店员.');
  });

  test('cleans the name: no markup, braces or control characters', () => {
    const out = renderTemplate('Thanks to {employee} for the help.', { employee: '<b>Mia</b>\u0000 {x}' });
    assert.doesNotMatch(out, /[<>{}\u0000]/);
    assert.doesNotMatch(out, / {2}/);
    assert.ok(out.includes('Mia'));
  });
});

describe('offline template generator', () => {
  const cases: { description: string; language: 'en' | 'zh-CN'; phrase: string }[] = [
    { description: 'We are a family-run bicycle repair shop in Leeds', language: 'en', phrase: 'bicycle repair shop' },
    { description: "Joe's Garage is a car repair shop serving north London.", language: 'en', phrase: 'car repair shop' },
    { description: 'Family-run bicycle repair shop in Leeds', language: 'en', phrase: 'bicycle repair shop' },
    { description: 'We are an independent yoga and pilates studio for all levels.', language: 'en', phrase: 'yoga and pilates studio' },
    { description: 'Korean BBQ restaurant in Soho, open late', language: 'en', phrase: 'Korean BBQ restaurant' },
    { description: 'Dog grooming', language: 'en', phrase: 'dog grooming service' },
    { description: '我们是一家位于上海的家庭式自行车维修店', language: 'zh-CN', phrase: '自行车维修店' },
    { description: '一家新开的日式咖啡馆，在静安寺附近', language: 'zh-CN', phrase: '日式咖啡馆' },
    { description: '我们是一家小小的瑜伽工作室，欢迎来体验', language: 'zh-CN', phrase: '瑜伽工作室' },
    { description: '宠物美容', language: 'zh-CN', phrase: '宠物美容店' },
    // Description in the other language → the generic phrase.
    { description: '我们是一家自行车维修店', language: 'en', phrase: 'place' },
    { description: 'We are a bike shop', language: 'zh-CN', phrase: '店' },
  ];

  const assertClean = (texts: string[], language: 'en' | 'zh-CN', count = 10) => {
    assert.equal(texts.length, count);
    assert.equal(new Set(texts).size, count, 'all distinct');
    for (const text of texts) {
      assert.ok(text.length > 0 && text.length <= 280, text);
      assert.doesNotMatch(text, /[<>{}\p{Cc}]/u, text);
      assert.doesNotMatch(text, / {2}/, text);
      if (language === 'zh-CN') assert.match(text, CJK);
      else assert.doesNotMatch(text, CJK);
    }
  };

  for (const { description, language, phrase } of cases) {
    test(`${language}: ${JSON.stringify(description)} → ${JSON.stringify(phrase)}`, () => {
      assert.equal(extractBusinessPhrase(description, language), phrase);
      const texts = generateOfflineTemplates(description, language);
      assertClean(texts, language);
      for (const text of texts) assert.ok(text.includes(phrase), `${text} mentions ${phrase}`);
    });
  }

  test('is deterministic', () => {
    for (const { description, language } of cases) {
      assert.deepEqual(generateOfflineTemplates(description, language), generateOfflineTemplates(description, language));
    }
  });

  test('empty and odd input falls back to "this place" / "这家店"', () => {
    for (const description of ['', '   ', '\u0000\u0007', '!!!', '12345', 'https://example.com', 'hello@example.com']) {
      const en = generateOfflineTemplates(description, 'en');
      assertClean(en, 'en');
      assert.ok(en.some((t) => t.includes('this place')));
      const zh = generateOfflineTemplates(description, 'zh-CN');
      assertClean(zh, 'zh-CN');
      assert.ok(zh.some((t) => t.includes('这家店')));
    }
  });

  test('very long input is capped', () => {
    for (const description of ['x'.repeat(10_000), 'word '.repeat(5_000), `We are a ${'very '.repeat(50)}nice ${'bike '.repeat(100)}shop`, '火锅'.repeat(5_000)]) {
      for (const language of ['en', 'zh-CN'] as const) {
        const phrase = extractBusinessPhrase(description, language);
        assert.ok(phrase.length <= 60, phrase);
        assertClean(generateOfflineTemplates(description, language), language);
      }
    }
  });

  test('markup never reaches the texts', () => {
    const inputs = [
      '<script>alert(1)</script>',
      '<script>alert(1)</script> We are a tattoo parlour',
      'We are a <b>tattoo parlour</b><img src=x onerror=alert(1)>',
      '我们是一家<script>alert(1)</script>花店',
      'We are a bakery <script',
    ];
    for (const description of inputs) {
      for (const language of ['en', 'zh-CN'] as const) {
        const texts = generateOfflineTemplates(description, language);
        assertClean(texts, language);
        for (const text of texts) {
          assert.ok(!/<script/i.test(text), text);
          assert.ok(!/alert|onerror/i.test(text), text);
        }
      }
    }
    assert.equal(extractBusinessPhrase('We are a <b>tattoo parlour</b>', 'en'), 'tattoo parlour');
  });

  test('count is honoured and validated', () => {
    assertClean(generateOfflineTemplates('We are a bakery', 'en', 3), 'en', 3);
    assert.deepEqual(generateOfflineTemplates('We are a bakery', 'en', 0), []);
    assertClean(generateOfflineTemplates('We are a bakery', 'en', 40), 'en', 40);
    assertClean(generateOfflineTemplates('我们是一家面包店', 'zh-CN', 40), 'zh-CN', 40);
    assert.deepEqual(generateOfflineTemplates('We are a bakery', 'en', 3), generateOfflineTemplates('We are a bakery', 'en').slice(0, 3));
    assert.throws(() => generateOfflineTemplates('x', 'en', -1), RangeError);
    assert.throws(() => generateOfflineTemplates('x', 'en', 1.5), RangeError);
    assert.throws(() => generateOfflineTemplates('x', 'fr' as 'en'), RangeError);
  });
});

describe('texts fitted to the business', () => {
  const SAMPLE_WORD: Record<string, string> = {
    repair: 'repair', detailing: 'car wash', film: 'window tint', coffee: 'coffee', dining: 'restaurant', bakery: 'bakery',
    hair: 'hair salon', nails: 'nail bar', massage: 'massage', skin: 'facial', lashes: 'lash studio', dental: 'dental',
    physio: 'physio', vet: 'vet', clothing: 'fashion boutique', electronics: 'phone shop', flowers: 'florist',
    cleaning: 'cleaning', organizing: 'organising', moving: 'movers',
  };
  for (const vertical of VERTICALS) {
    for (const service of libraryServices(vertical)) {
      test(`${vertical}/${service}: named by "${SAMPLE_WORD[service]}" → its texts among neutral ones, in both languages`, () => {
        assert.deepEqual(servicesOf(vertical, { name: `Acme ${SAMPLE_WORD[service]}` }), [service]);
        for (const language of LANGUAGES) {
          const fitted = libraryTemplates(vertical, language, { name: `Acme ${SAMPLE_WORD[service]}` });
          const neutral = libraryTemplates(vertical, language);
          assert.equal(fitted.length, 10);
          assert.equal(new Set(fitted).size, 10);
          const specific = fitted.filter((x) => !neutral.includes(x));
          assert.ok(specific.length >= 2 && specific.length <= 4, `${specific.length} ${service} texts in ${language}`);
          assert.ok(fitted.filter((x) => x.includes('{employee}')).length >= 2, 'the texts naming the employee stay');
          assert.ok(fitted.filter((x) => x.includes('{employee}')).length <= 3);
          for (const x of fitted) assert.equal(CJK.test(x), language === 'zh-CN', x);
        }
      });
    }
  }

  test('a hair salon is never offered nails, massage or facial texts; a bare "Salon" only neutral ones', () => {
    for (const language of LANGUAGES) {
      const hair = libraryTemplates('beauty', language, { name: 'Luna Hair Studio' });
      assert.ok(hair.some((x) => /hair|发型|发色|头发/.test(x)));
      const bare = libraryTemplates('beauty', language, { name: 'Harbour Lane Salon' });
      assert.deepEqual(bare, libraryTemplates('beauty', language));
      for (const x of [...hair, ...bare]) assert.doesNotMatch(x, /nail|massage|facial|lash|美甲|按摩|面部|睫毛/i, x);
      for (const x of bare) assert.doesNotMatch(x, /hair|发型|发色|头发/, x);
    }
  });

  test('the neutral texts of every vertical name no particular service', () => {
    const SERVICE_TALK = /nail|massage|facial|dentist|teeth|physio|tint|wrap|detailing|coffee|咖啡|美甲|按摩|看牙|洗牙|康复|贴膜|洗车|尺码|size I needed/i;
    for (const vertical of VERTICALS) for (const language of LANGUAGES) for (const x of libraryTemplates(vertical, language)) assert.doesNotMatch(x, SERVICE_TALK, `${vertical}: ${x}`);
  });

  test('several services: texts of each in turn, at most 4, from the description in Chinese too', () => {
    assert.deepEqual(servicesOf('beauty', { name: 'Lily', description: '美发和美甲' }), ['hair', 'nails']);
    const texts = libraryTemplates('beauty', 'zh-CN', { name: 'Lily', description: '美发和美甲' });
    assert.ok(texts.some((x) => x.includes('发型')) && texts.some((x) => x.includes('美甲')));
    assert.equal(texts.filter((x) => !libraryTemplates('beauty', 'zh-CN').includes(x)).length, 4);
  });
});

describe('the employee placeholder', () => {
  test('firstNameOf: a Western first name, a title with the family name, a Chinese name whole', () => {
    const cases: [string, string][] = [
      ['Mei Lin', 'Mei'],
      ['Mary-Jane Smith', 'Mary-Jane'],
      ['Tom', 'Tom'],
      ['  Anna   Maria  Rossi ', 'Anna'],
      ['Dr. Sarah Lee', 'Dr. Lee'],
      ['Dr Lee', 'Dr Lee'],
      ['J. R. Smith', 'J. R. Smith'],
      ['王小明', '王小明'],
      ['王 小明', '王小明'],
      ['小美', '小美'],
      ['Tony老师', 'Tony老师'],
      ['李娜 Lina', '李娜'],
      ['김민지', '김민지'],
      ['<Mia>\u0000 {Chen}', 'Mia'],
      ['', ''],
    ];
    for (const [name, first] of cases) assert.equal(firstNameOf(name), first, name);
    assert.equal(firstNameOf(null), '');
  });

  test('unknownPlaceholders: every {…} but {employee} (in any of its spellings)', () => {
    assert.deepEqual(unknownPlaceholders('Thanks {employee}, {{employee}}, { Employee } and ｛employee｝'), []);
    assert.deepEqual(unknownPlaceholders('Thanks {name} and {name} at {shop}'), ['{name}', '{shop}']);
    assert.deepEqual(unknownPlaceholders('谢谢｛员工｝'), ['｛员工｝']);
    assert.deepEqual(unknownPlaceholders('Empty {} braces'), ['{}']);
    assert.deepEqual(unknownPlaceholders('A sad face :-{ is just text'), []);
    assert.deepEqual(unknownPlaceholders('No braces at all'), []);
  });

  test('renderTemplate fills every spelling; textsForCustomer fills the first name and leaves out unknown placeholders', () => {
    assert.equal(renderTemplate('Thanks {{employee}} and ｛Employee｝!', { employee: 'Mei' }), 'Thanks Mei and Mei!');
    const shown = textsForCustomer(
      [
        { language: 'en', body: 'Thanks to {employee} for the cut.' },
        { language: 'en', body: 'Ask for {name} next time.' },
        { language: 'zh-CN', body: '谢谢{employee}的推荐。' },
      ],
      'Mei Lin',
      'beauty',
    );
    assert.deepEqual(shown, [
      { language: 'en', body: 'Thanks to Mei for the cut.' },
      { language: 'zh-CN', body: '谢谢Mei的推荐。' },
    ]);
    assert.deepEqual(textsForCustomer([{ language: 'zh-CN', body: '谢谢{employee}的推荐。' }], '王小美'), [{ language: 'zh-CN', body: '谢谢王小美的推荐。' }]);
  });
});

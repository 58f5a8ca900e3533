// The built-in offline template generator for vertical `other` (docs/reviews-api-contract.md §7 Templates):
// used when no LLM endpoint is configured, or when it fails or times out. It extracts a short
// business noun phrase from the tenant's description ("We are a family-run bicycle repair shop in
// Leeds" → "bicycle repair shop", "我们是一家位于上海的自行车维修店" → "自行车维修店") and fills
// varied sentence frames with it. No network, no randomness: the same input gives the same texts.

export type OfflineLanguage = 'en' | 'zh-CN';

/** The phrase used when nothing usable can be extracted ("this place" / "这家店"). */
export const GENERIC_PHRASE: Record<OfflineLanguage, string> = { en: 'place', 'zh-CN': '店' };

export const MAX_PHRASE_CHARS = 60;
const MAX_ZH_PHRASE_CHARS = 12;
const MAX_EN_WORDS = 6;
export const MAX_OFFLINE_TEMPLATES = 100;

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /\p{Script=Han}/gu;
const LATIN_ALL = /[A-Za-z\u00c0-\u024f]/g;

/** Strips markup, URLs, e-mail addresses and control characters, and collapses whitespace. */
export function sanitizeDescription(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input
    .slice(0, 4000)
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<\/?[a-z!?][^>]*(>|$)/gi, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')
    .replace(/\S+@\S+\.\S+/g, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ----- English -------------------------------------------------------------------------------

// Words that end a noun phrase: prepositions, conjunctions, pronouns and common verbs.
const EN_STOP = new Set(
  (
    'in at on for from with without within that which who whose where when since based located serving offering ' +
    'providing specialising specializing specialized specialised near by run owned operated of to as but or so because ' +
    'we i you they it he she us our my your their is are was were be been am has have had makes make made offers ' +
    'offer provides provide serves serve sells sell does do did fixes fix helps help opened open runs established ' +
    'founded focusing focused dedicated committed passionate known loved trusted here there now today since ' +
    'every all across around over under between into than then also just only very'
  ).split(' '),
);

// Leading modifiers that describe the business rather than name what it is.
const EN_MODIFIERS = new Set(
  (
    'family-run family-owned family owned-and-operated small little friendly local independent independently-owned ' +
    'award-winning best leading premier top top-rated professional new brand-new modern cosy cozy trusted experienced ' +
    'established well-established premium affordable quality high-quality great lovely busy popular unique one-stop ' +
    'full-service beautiful amazing wonderful fantastic excellent perfect cute charming humble proud favourite favorite ' +
    'number one no. 1 #1 very really most'
  ).split(' '),
);

const EN_ARTICLES = new Set(['a', 'an', 'the', 'our', 'my', 'your']);
const EN_LEAD_PRONOUNS = new Set(['we', "we're", 'i', "i'm", 'our', 'my', 'you', 'they', 'it', "it's", 'this', 'here', 'welcome']);

// Head nouns that end a business noun phrase (to cut an over-long phrase after one).
const EN_HEADS = new Set(
  (
    'shop store studio salon centre center clinic school gym hotel bakery cafe café coffeehouse restaurant bistro ' +
    'garage company service services business agency bar pub spa practice workshop place hostel kitchen boutique ' +
    'gallery market club academy office firm lab house parlour parlor barbershop barber florist pharmacy deli diner ' +
    'brewery winery bookshop bookstore cinema theatre theater venue surgery dentist dentistry hospital nursery ' +
    'daycare kennel kennels cattery stable stables farm garden nursery laundry laundrette launderette cleaners ' +
    'tailor tailors butcher butchers grocer greengrocer supermarket outlet dealership showroom yard center ' +
    'teahouse tearoom canteen takeaway truck stall stand kiosk bnb b&b inn motel lodge apartment apartments'
  ).split(' '),
);

// Capitalised adjectives that stay capitalised at the start of a sentence ("Korean BBQ restaurant").
const EN_PROPER_ADJECTIVES =
  /^(Korean|Japanese|Chinese|Thai|Italian|French|Indian|Mexican|Vietnamese|Greek|Turkish|Spanish|British|English|Scottish|Welsh|Irish|American|Lebanese|Persian|Malaysian|Cantonese|Sichuan|Taiwanese|German|Polish|Portuguese|Brazilian|Caribbean|African|Ethiopian|Nepalese|Filipino|Indonesian|Moroccan|Mediterranean|Asian|European|Nordic|Scandinavian|Swiss|Dutch|Belgian|Russian|Ukrainian|Peruvian|Argentinian|Jamaican|Hawaiian|Cajun|Tex-Mex)$/;

function cleanWord(word: string): string {
  // Keep letters, digits and the punctuation that appears inside business names.
  return word
    .replace(/[^\p{L}\p{N}'’&+\-./]/gu, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

function phraseFromWords(words: string[], fromSentenceStart: boolean): string | null {
  const out: string[] = [];
  for (const raw of words) {
    const endsClause = /[,:;()\[\]"“”!?]$/.test(raw) || /\.$/.test(raw);
    const word = cleanWord(raw);
    const lower = word.toLowerCase();
    if (!word) {
      if (endsClause || out.length) break;
      continue;
    }
    if (EN_STOP.has(lower)) break;
    if (out.length === 0 && (EN_MODIFIERS.has(lower) || EN_ARTICLES.has(lower))) {
      if (endsClause) break;
      continue;
    }
    out.push(word);
    if (endsClause) break;
    if (out.length > MAX_EN_WORDS + 2) break;
  }
  while (out.length && /^(and|&|or|\+|-)$/i.test(out[out.length - 1])) out.pop();
  if (out.length > MAX_EN_WORDS) {
    let cut = -1;
    for (let i = 0; i < MAX_EN_WORDS; i++) if (EN_HEADS.has(out[i].toLowerCase())) cut = i;
    if (cut < 0) return null;
    out.length = cut + 1;
  }
  if (out.length === 0) return null;
  if (!out.some((w) => /\p{L}/u.test(w))) return null;
  if (out.some((w) => w.length > 30)) return null; // not a word: keyboard mashing, a hash, a token
  if (out.length === 1 && (EN_LEAD_PRONOUNS.has(out[0].toLowerCase()) || /^\p{N}+$/u.test(out[0]))) return null;
  // "dog grooming" → "dog grooming service", so that "this …" reads naturally.
  const last = out[out.length - 1].toLowerCase();
  if (/ing$/.test(last) && !EN_HEADS.has(last)) out.push('service');
  // A lone word at the start of a sentence is only trusted when it names a kind of business.
  if (out.length === 1 && fromSentenceStart && !EN_HEADS.has(out[0].toLowerCase())) return null;
  // All-caps shouting → lower case; a capitalised first word at the start of a sentence → lower case.
  const letters = out.join('').replace(/[^\p{L}]/gu, '');
  if (letters.length > 3 && letters === letters.toUpperCase()) return out.join(' ').toLowerCase();
  if (fromSentenceStart && /^\p{Lu}\p{Ll}+$/u.test(out[0]) && !EN_PROPER_ADJECTIVES.test(out[0])) out[0] = out[0].toLowerCase();
  return capLength(out.join(' '));
}

function capLength(phrase: string): string {
  if (phrase.length <= MAX_PHRASE_CHARS) return phrase;
  const cut = phrase.slice(0, MAX_PHRASE_CHARS + 1);
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : phrase.slice(0, MAX_PHRASE_CHARS)).replace(/[\s\-&+/.]+$/, '');
}

function extractEnglish(text: string): string | null {
  const sentences = text
    .split(/(?<=[.!?;])\s+|[\n|•]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 4);
  // 1. "… is/are/we're/run … a|an|the X" — the copula introduces what the business is.
  for (const sentence of sentences) {
    const words = sentence.split(' ');
    for (let i = 0; i < words.length - 1; i++) {
      const w = cleanWord(words[i]).toLowerCase();
      if (!EN_ARTICLES.has(w) || i === 0) continue;
      const prev = cleanWord(words[i - 1]).toLowerCase();
      if (!/^(is|are|am|we're|i'm|it's|we|run|runs|own|owns|opened|as|being|be|here's|this's)$/.test(prev)) continue;
      const phrase = phraseFromWords(words.slice(i + 1), false);
      if (phrase) return phrase;
    }
  }
  // 2. The sentence opens with the noun phrase itself ("Family-run bicycle repair shop in Leeds").
  for (const sentence of sentences) {
    const words = sentence.split(' ');
    const first = cleanWord(words[0] ?? '').toLowerCase();
    if (EN_LEAD_PRONOUNS.has(first) && !EN_ARTICLES.has(first)) continue;
    const phrase = phraseFromWords(words, true);
    if (phrase) return phrase;
  }
  // 3. Any "a|an|our X" later on.
  for (const sentence of sentences) {
    const words = sentence.split(' ');
    for (let i = 0; i < words.length - 1; i++) {
      const w = cleanWord(words[i]).toLowerCase();
      if (w !== 'a' && w !== 'an' && w !== 'our') continue;
      const phrase = phraseFromWords(words.slice(i + 1), false);
      if (phrase && (phrase.split(' ').length > 1 || EN_HEADS.has(phrase.toLowerCase()))) return phrase;
    }
  }
  return null;
}

// ----- Chinese -------------------------------------------------------------------------------

const ZH_PUNCT = /[，。！？；：、,.!?;:()（）【】\[\]「」『』“”"'‘’\s~～…·|/\\]+/;
// Words that end a business noun (multi-character first so that "工作室" wins over "室").
const ZH_HEADS = [
  '工作室', '美容院', '健身房', '会所', '诊所', '医院', '中心', '公司', '餐厅', '餐馆', '机构', '学校', '学院',
  '门店', '酒吧', '清吧', '民宿', '超市', '市场', '农场', '驿站', '车行', '影楼', '书屋', '画室', '琴行',
  '店', '馆', '厅', '坊', '铺', '院', '所',
];
const ZH_MODIFIERS = [
  '家庭式', '家族式', '家庭经营', '家族经营', '夫妻', '一站式', '专业', '高端', '网红', '宝藏', '老牌', '新开',
  '小型', '小小', '本地', '社区', '人气', '知名', '精致', '特色', '温馨', '小', '新',
];
const ZH_PRONOUN = /^(我|我们|本店|本|咱|咱们|你|您|他们|这|那)/;

function trimZhModifiers(s: string): string {
  let changed = true;
  while (changed) {
    changed = false;
    for (const m of ZH_MODIFIERS) {
      // Only strip a modifier when a real noun remains after it.
      if (s.startsWith(m) && s.length - m.length >= 2) {
        s = s.slice(m.length).replace(/^的/, '');
        changed = true;
      }
    }
  }
  return s;
}

function zhPhraseFrom(segment: string, bare: boolean): string | null {
  let s = segment.replace(/[^\p{Script=Han}A-Za-z0-9&+\-]/gu, '');
  const de = s.lastIndexOf('的');
  if (de >= 0) s = s.slice(de + 1);
  s = s.replace(/^(位于|坐落于|开在|在)/, '');
  s = trimZhModifiers(s);
  if (!HAN.test(s)) return null;
  if (bare && ZH_PRONOUN.test(s)) return null;
  // Cut after the last head noun within the allowed length ("火锅店新开业" → "火锅店").
  let end = -1;
  const window = s.slice(0, MAX_ZH_PHRASE_CHARS);
  for (const head of ZH_HEADS) {
    let from = 0;
    for (;;) {
      const at = window.indexOf(head, from);
      if (at < 0) break;
      const e = at + head.length;
      if (e >= 2 && e > end) end = e;
      from = at + 1;
    }
  }
  if (end > 0) return s.slice(0, end);
  if ([...s].length <= 8 && [...s].length >= 2) return `${s}店`;
  return null;
}

function extractChinese(text: string): string | null {
  const clauses = text.split(ZH_PUNCT).filter(Boolean).slice(0, 6);
  for (const clause of clauses) {
    const m = /(?:一家|一间|一个|一所|一座|一处)(.+)$/.exec(clause);
    if (m) {
      const phrase = zhPhraseFrom(m[1], false);
      if (phrase) return phrase;
    }
  }
  for (const clause of clauses) {
    const m = /(?:我们是|我们家是|本店是|这里是|这是)(.+)$/.exec(clause);
    if (m) {
      const phrase = zhPhraseFrom(m[1], false);
      if (phrase) return phrase;
    }
  }
  for (const clause of clauses) {
    const phrase = zhPhraseFrom(clause, true);
    if (phrase) return phrase;
  }
  return null;
}

/**
 * The short business noun phrase of a description, for the given template language: an English
 * noun phrase ("bicycle repair shop") or a Chinese one ("自行车维修店"); "place" / "店" when the
 * description is empty, unusable or written in the other language.
 */
export function extractBusinessPhrase(description: string, language: OfflineLanguage): string {
  const text = sanitizeDescription(description);
  const han = text.match(HAN_ALL)?.length ?? 0;
  const latin = text.match(LATIN_ALL)?.length ?? 0;
  const chinese = han > 0 && han * 2 >= latin;
  let phrase: string | null = null;
  if (language === 'zh-CN' && chinese) phrase = extractChinese(text);
  else if (language === 'en' && !chinese && latin > 0) phrase = extractEnglish(text);
  return phrase ?? GENERIC_PHRASE[language];
}

// ----- Frames --------------------------------------------------------------------------------

type Frame = (p: string) => string;

const article = (p: string) => (/^[aeiou]/i.test(p) && !/^(uni|eu|one|use|usu)/i.test(p) ? 'an' : 'a');

const EN_FRAMES: Frame[] = [
  (p) => `Really glad I found this ${p}. Friendly people and great attention to detail.`,
  (p) => `The team at this ${p} took the time to explain everything clearly. I felt well looked after.`,
  (p) => `Clean, welcoming and well organised. A really pleasant visit to this ${p}.`,
  (p) => `Quick, friendly service at a fair price. I'll definitely be back to this ${p}.`,
  (p) => `If you're looking for a good ${p}, this is it. Honest advice and no pressure.`,
  (p) => `Everyone at this ${p} was kind and professional, and they followed up afterwards to check everything was fine.`,
  (p) => `I've tried a few places, but this ${p} is the one I keep coming back to.`,
  (p) => `Great experience at this ${p} from start to finish. Everything was smooth and easy.`,
  (p) => `Lovely atmosphere and skilled, friendly staff. This ${p} is a real asset to the neighbourhood.`,
  (p) => `They clearly care about their customers. Easily my favourite ${p}.`,
  (p) => `Good value and genuinely good quality. I'd recommend this ${p} to friends and family.`,
  (p) => `Nothing felt rushed and all my questions were answered. Really happy with my visit to this ${p}.`,
  (p) => `Friendly welcome, tidy space and great service. Thanks to everyone at this ${p}.`,
  (p) => `Went to this ${p} on a friend's recommendation and I'm glad I did.`,
  (p) => `Reliable, helpful and easy to deal with, exactly what I hoped for from ${article(p)} ${p}.`,
  (p) => `Small touches made a big difference. You can tell the people at this ${p} take pride in what they do.`,
];

const ZH_FRAMES: Frame[] = [
  (p) => `终于找到一家靠谱的${p}，服务很用心，细节也做得很好。`,
  (p) => `这家${p}的老板和员工都很友善，什么都讲得清清楚楚，很安心。`,
  (p) => `环境干净整洁，服务也热情，这家${p}以后会常来的。`,
  (p) => `效率很高，收费也公道，这家${p}值得一试。`,
  (p) => `有需要的可以来这家${p}看看，建议很实在，完全不会强行推销。`,
  (p) => `去过好几家${p}，这家是我最愿意回头的。`,
  (p) => `第一次来这家${p}就被圈粉了，从进门到离开都很舒服✨`,
  (p) => `朋友推荐来的，果然没让我失望，这家${p}真的很用心。`,
  (p) => `细节很打动我，看得出这家${p}的每个人都在认真做事。`,
  (p) => `结束后还主动回访问我感觉怎么样，这家${p}的售后真的很贴心。`,
  (p) => `氛围很舒服，工作人员专业又亲切，是附近难得的宝藏${p}。`,
  (p) => `整体体验很好，不赶时间，问什么都耐心解答，很喜欢这家${p}。`,
  (p) => `性价比很高的一家${p}，已经推荐给身边的朋友了。`,
  (p) => `态度好、手艺好、沟通也顺畅，这家${p}可以放心去。`,
  (p) => `每次来这家${p}都很舒心，工作人员记得我的习惯，感觉很亲切。`,
  (p) => `本来没抱太大期待，结果这家${p}的体验比想象中好太多了。`,
];

const EN_CLOSERS = ['Highly recommend.', 'Will be back.', 'Thank you!', 'Keep up the good work.', 'Would recommend to anyone.', 'Really pleased.'];
const ZH_CLOSERS = ['推荐！', '会再来的。', '谢谢你们！', '好评～', '已经安利给朋友了。', '满意。'];

function hash(s: string): number {
  // FNV-1a, 32-bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function seededOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = seed || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Makes exactly `count` distinct suggested review texts for a business described in free text,
 * without any network. Deterministic: the same description, language and count give the same texts.
 */
export function generateOfflineTemplates(businessDescription: string, language: OfflineLanguage, count = 10): string[] {
  if (language !== 'en' && language !== 'zh-CN') throw new RangeError(`Unsupported language ${JSON.stringify(language)}`);
  if (!Number.isInteger(count) || count < 0 || count > MAX_OFFLINE_TEMPLATES) {
    throw new RangeError(`count must be an integer from 0 to ${MAX_OFFLINE_TEMPLATES}`);
  }
  const phrase = extractBusinessPhrase(businessDescription, language);
  const frames = language === 'en' ? EN_FRAMES : ZH_FRAMES;
  const closers = language === 'en' ? EN_CLOSERS : ZH_CLOSERS;
  const order = seededOrder(frames.length, hash(`${language}\u0000${phrase}`));
  const sep = language === 'en' ? ' ' : '';

  const out: string[] = [];
  const seen = new Set<string>();
  const add = (text: string) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (out.length < count && clean.length <= 280 && !seen.has(clean)) {
      seen.add(clean);
      out.push(clean);
    }
  };
  for (const i of order) add(frames[i](phrase));
  for (let c = 0; out.length < count && c < closers.length; c++) {
    for (const i of order) add(`${frames[i](phrase)}${sep}${closers[(c + i) % closers.length]}`);
  }
  return out;
}

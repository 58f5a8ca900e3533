// The built-in library of suggested review texts (docs/reviews-api-contract.md §4 Template, §7 Templates).
// Provisioning copies the 10 texts of the tenant's vertical into its templates; the public review
// page offers them to the customer to copy onto Google Maps (English) or Xiaohongshu (Simplified
// Chinese). The Chinese texts are written as Xiaohongshu posts, not translations of the English.
//
// The only placeholder is `{employee}` (the employee's first name), used by at most 3 texts per
// set and always where a neutral fallback ("the team" / "店员") reads naturally when the name is
// unknown — see renderTemplate.

import { VERTICALS, type Vertical } from '../platform/tenant-schemas.ts';

export { VERTICALS, TENANT_VERTICALS, type Vertical } from '../platform/tenant-schemas.ts';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];


export function isVertical(value: unknown): value is Vertical {
  return typeof value === 'string' && (VERTICALS as readonly string[]).includes(value);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const LIBRARY: Record<Vertical, Record<Language, readonly string[]>> = {
  auto: {
    en: [
      'Honest, quick and fair. They explained what actually needed fixing and what could wait, which I really appreciated.',
      'My car came back cleaner than when I dropped it off. Great attention to detail.',
      'Thanks to {employee} for walking me through the repair and showing me the worn parts. No pressure, no upselling.',
      'Booked in for a service and it was ready the same afternoon. Easy to deal with from start to finish.',
      'The detailing job on my car was excellent, the interior looks almost new again.',
      'Friendly people and a tidy workshop. You can tell they take pride in their work.',
      "I've been bringing my car here for a while now and they've always been straightforward and reliable.",
      'They called me before doing any extra work, so there were no surprises when I picked the car up.',
      'Really pleased with how {employee} handled everything. Clear updates along the way, and the car drives smoothly again.',
      "Good work at a fair price. I'll be back for my next service.",
    ],
    'zh-CN': [
      '车子保养做得很细致，师傅会把需要换的和可以先不换的都讲清楚，不会乱推项目，这点很加分。',
      '洗车加内饰清洁做完像新车一样✨ 连座椅缝隙都弄得干干净净。',
      '谢谢{employee}一步步给我讲故障原因，还拿换下来的旧零件给我看，第一次修车这么安心。',
      '预约很方便，早上送过去下午就修好了，效率很高。',
      '店里收拾得很整齐，师傅们做事也认真，看得出来是用心在做。',
      '在这里保养好几次了，一直很靠谱，收费透明，不用担心被坑。',
      '要加项目之前都会先打电话问我，取车的时候没有任何意外，好评。',
      '贴膜做得很服帖，边角也处理得很干净，手艺是真的好。',
      '接待我的{employee}很耐心，修完还提醒我平时开车要注意什么，服务很贴心。',
      '女生一个人来修车也完全不用担心，都讲得明明白白，已经推荐给身边的朋友了。',
    ],
  },
  fnb: {
    en: [
      "Lovely little spot. The food was fresh and full of flavour, and we didn't wait long at all.",
      'Great coffee and a relaxed atmosphere, a nice place to sit and catch up with friends.',
      'Thanks to {employee} for the recommendations, everything we ordered was spot on.',
      "Friendly service, generous portions and a clean, comfortable dining room. We'll definitely come back.",
      'Came in for a quick lunch and left really happy. Everything tasted homemade.',
      'The staff were attentive without hovering, and the dishes came out at a good pace.',
      'Good value for the quality. It has become my favourite place in the area for a relaxed dinner.',
      'We were looked after really well by {employee}, who made sure our table had everything we needed.',
      'They were happy to adjust a dish for my dietary needs, which made the evening so much easier.',
      'Tasty food and a warm welcome. Highly recommend.',
    ],
    'zh-CN': [
      '又挖到一家宝藏小店！菜品很新鲜，味道也很有层次，上菜速度还挺快的。',
      '咖啡好喝，环境很舒服，适合周末来坐一下午看书聊天☕',
      '谢谢{employee}给我们推荐菜，点的每一道都没踩雷。',
      '分量很足，店里干净整洁，服务也很热情，会再来的。',
      '中午随便进来吃的，结果很惊喜，有种家里做的味道。',
      '服务员很细心但不会一直打扰，这顿饭吃得很放松。',
      '性价比很高，已经成了我在附近最常来的一家。',
      '我对一些食材过敏，跟店里说了之后专门帮我调整了做法，真的很暖心。',
      '全程都是{employee}在照顾我们这桌，加水换碟都很及时，体验很好。',
      '好吃！氛围也好，下次带朋友一起来。',
    ],
  },
  beauty: {
    en: [
      "I'm really happy with my hair. They listened to exactly what I wanted and gave honest advice.",
      'Thanks to {employee} for such a relaxing appointment. My nails look neat and have lasted really well.',
      'Clean, calm salon and very welcoming staff. I felt comfortable from the moment I walked in.',
      'The massage was just what I needed. I left feeling properly relaxed.',
      'Great attention to detail and no rushing. You can tell they really care about the result.',
      'Booking was easy, they started on time, and the treatment room was spotless.',
      'I was a bit nervous about trying a new colour, but {employee} explained everything and it turned out beautifully.',
      "Friendly, professional and reasonably priced. I've already booked my next visit.",
      'Lovely atmosphere and skilled staff. My skin felt so fresh after the facial.',
      'They gave me useful tips for looking after my hair at home, which I really appreciated.',
    ],
    'zh-CN': [
      '终于找到一家会认真听需求的店了，剪完的发型和我想要的一模一样，还会给很实在的建议。',
      '谢谢{employee}，做美甲的时候特别细心，戴了好久都没有翘边💅',
      '店里干净又安静，工作人员都很温柔，一进门就觉得很放松。',
      '按摩力度刚刚好，做完整个人都松下来了。',
      '细节处理得很好，一点都不赶时间，能感受到是真的在乎效果。',
      '预约很方便，准时开始，房间和用具都很干净，这点对我来说很重要。',
      '第一次尝试这个发色有点紧张，{employee}很耐心地跟我沟通，最后效果比预想的还好！',
      '价格合理，不会强行推销办卡，体验很舒服，已经约了下一次。',
      '做完面部护理皮肤状态明显变好了，环境也很有氛围感。',
      '还教了我在家怎么打理头发，很实用，这么用心的店会一直来的。',
    ],
  },
  clinic: {
    en: [
      'The dentist took the time to explain my options clearly and never made me feel rushed.',
      'Thanks to {employee} for putting me at ease. I usually dread appointments, but this one was easy.',
      'Clean, modern clinic and a very friendly front desk. I was seen right on time.',
      'My physio gave me exercises that actually helped, and checked on my progress at every visit.',
      "Gentle, careful and professional. I'm glad I found this practice.",
      'Everything was explained step by step, so I knew exactly what to expect.',
      'Booking was simple, and they followed up after my treatment to see how I was doing.',
      'Very caring staff. They answered all my questions patiently.',
      'I was looked after by {employee}, who made sure I was comfortable the whole time.',
      'A good experience overall: hardly any wait, clear advice and a calm atmosphere.',
    ],
    'zh-CN': [
      '医生讲解得特别清楚，把几种方案的利弊都说明白了，完全没有催促的感觉。',
      '一直很怕看牙，这次全程都很温柔，比想象中轻松多了。',
      '诊所干净明亮，前台很亲切，到了几乎不用等就看上了。',
      '康复师给的训练动作真的有用，每次复诊都会看我恢复得怎么样，很负责。',
      '动作很轻，也很专业，庆幸找到了这家诊所。',
      '每一步做之前都会先告诉我要做什么，心里很有底。',
      '预约流程很简单，治疗完第二天还收到了回访，问我恢复得怎么样，很贴心。',
      '工作人员都很有耐心，我问了好多问题都一一解答了。',
      '洗牙体验很好，医生还顺便教了我正确的刷牙方法，很受用🦷',
      '整体体验不错，等候时间短，建议给得清楚，环境也让人很安心。',
    ],
  },
  retail: {
    en: [
      'Great selection and really helpful staff. They helped me find exactly what I was looking for.',
      'Thanks to {employee} for the honest advice. I ended up with something that suits me much better than what I came in for.',
      'Nice shop, well organised and easy to browse. Prices are fair too.',
      "Friendly service without any pressure to buy. I'll be back.",
      'They went out of their way to order in the size I needed and let me know as soon as it arrived.',
      'Good quality products and a pleasant place to shop.',
      'Quick and easy exchange, no fuss at all. Really appreciated the help.',
      'Always a pleasure shopping here. The staff know their products well and give good recommendations.',
      'Lovely little store with a welcoming atmosphere. I always find something I like.',
      'I was helped by {employee}, who knew the products inside out. Great experience.',
    ],
    'zh-CN': [
      '东西种类很多，店员也很热心，很快就帮我找到了想要的。',
      '谢谢{employee}很实在的建议，最后买到的比我原本想买的更适合我。',
      '店里布置得很好逛，东西摆得整整齐齐，价格也公道。',
      '完全没有推销的压力，可以慢慢挑，很舒服的购物体验。',
      '我要的尺码没货，店里帮我调了货，到了还第一时间通知我，服务很到位。',
      '东西质量很好，逛起来也很舒服，是会一直来的店。',
      '退换货很顺利，一点都不麻烦，很感谢。',
      '店员对产品特别熟，推荐的都很合心意，每次来都有收获🛍️',
      '很温馨的一家小店，氛围好，总能淘到喜欢的东西。',
      '今天是{employee}接待的我，很耐心地陪我试了好多款，一点都不嫌麻烦。',
    ],
  },
  services: {
    en: [
      'They arrived on time, got the job done quickly and left everything clean and tidy.',
      'Thanks to {employee} for the careful work and the clear explanation of what was done.',
      "Reliable, friendly and fairly priced. I'd happily use them again.",
      'Our place has never looked this clean. Very thorough and respectful of our home.',
      'They kept me updated throughout and finished exactly when they said they would.',
      'Quick to respond, easy to book and very professional.',
      'The repair was done properly the first time. Good communication from start to finish.',
      'They followed up a few days later to make sure everything was still working well. Really appreciated that.',
      'Great service from {employee}: polite, efficient and happy to answer all my questions.',
      'Honest advice and no unnecessary extras. Exactly the kind of local business you want to support.',
    ],
    'zh-CN': [
      '师傅很准时，活干得又快又好，走之前还把现场收拾得干干净净。',
      '谢谢{employee}，不光修好了，还跟我讲清楚了问题出在哪，以后知道怎么注意了。',
      '靠谱、好沟通、收费合理，下次有需要还会找他们。',
      '家里从来没这么干净过！角角落落都打扫到了，而且很爱惜家里的东西。',
      '过程中一直跟我同步进度，说几点弄完就几点弄完，很守时。',
      '回复消息很快，预约也方便，整体很专业。',
      '一次就修好了，没有反复折腾，沟通也很顺畅。',
      '做完几天后还主动回访，问我用得怎么样，这种售后真的少见👍',
      '收纳整理做完，房间一下子清爽了好多，心情都变好了。',
      '建议很实在，不会让人多花冤枉钱，这样的本地小店值得支持。',
    ],
  },
};

for (const vertical of VERTICALS) {
  for (const language of LANGUAGES) Object.freeze(LIBRARY[vertical][language]);
}

/** The 10 built-in suggested review texts of a vertical in a language (raw, with placeholders). */
export function libraryTemplates(vertical: Vertical, language: Language): readonly string[] {
  if (!isVertical(vertical)) throw new RangeError(`No template library for vertical ${JSON.stringify(vertical)}`);
  if (!isLanguage(language)) throw new RangeError(`No template library for language ${JSON.stringify(language)}`);
  return LIBRARY[vertical][language];
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const PLACEHOLDER = /\{\s*employee\s*\}/gi;

/** Wording used in place of the employee's name when there is none, per language (and vertical). */
export function employeeFallback(language: Language, vertical?: string | null): string {
  if (language === 'en') return 'the team';
  if (vertical === 'auto' || vertical === 'services') return '师傅';
  if (vertical === 'clinic') return '工作人员';
  return '店员';
}

/** Cleans an employee name for use in a review text: no control characters, braces or markup. */
export function cleanEmployeeName(name: string | null | undefined): string {
  if (typeof name !== 'string') return '';
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/[{}<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...cleaned].slice(0, 40).join('').trim();
}

export interface RenderOptions {
  /** The employee's first name; empty or missing → a neutral fallback ("the team" / "店员"). */
  employee?: string | null;
  /** The template's language; detected from the text when omitted. */
  language?: Language;
  /** The tenant's vertical, which picks a more fitting Chinese fallback (师傅, 工作人员). */
  vertical?: string | null;
}

/**
 * Fills `{employee}` in a template body. Without a name the placeholder becomes "the team" (English,
 * capitalised at the start of a sentence) or "店员" (Chinese; "师傅"/"工作人员" for some verticals),
 * which the library texts are written to read naturally with.
 */
export function renderTemplate(body: string, options: RenderOptions = {}): string {
  const language: Language = options.language ?? (CJK.test(body) ? 'zh-CN' : 'en');
  const name = cleanEmployeeName(options.employee);
  const fallback = employeeFallback(language, options.vertical);
  const out = body.replace(PLACEHOLDER, (_match, offset: number, whole: string) => {
    if (name) return name;
    const before = whole.slice(0, offset);
    const sentenceStart = /(^|[.!?]\s+)$/.test(before);
    return sentenceStart ? fallback.charAt(0).toUpperCase() + fallback.slice(1) : fallback;
  });
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

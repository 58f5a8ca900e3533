// Which requests for a review page are not a person's scan: crawlers, link-preview fetchers,
// monitors and scripts. They still get the page; they just open no review session (so the funnel
// counts people). A real phone browser must never be taken for one, in-app browsers included:
// WeChat (MicroMessenger), Xiaohongshu (discover/…, XhsWebView), Telegram (Telegram-Android/…),
// whose user agents carry app names and a device model chosen by its maker.
// test/reviews/review-page.test.ts checks current phone browsers and bots against this.

/**
 * Words by which crawlers, preview fetchers and tools name themselves. "bot" and "spider" must end
 * a word (Googlebot/2.1, Discordbot, Baiduspider), not start one inside a device name.
 */
const BOT_WORDS = new RegExp(
  [
    String.raw`\w*(?:bot|spider|crawler)\b`, // Googlebot, bingbot, Twitterbot, TelegramBot, Bytespider, 360Spider …
    String.raw`bot[-_/]`, // Slackbot-LinkExpanding, "bot/1.0"
    'crawl', 'slurp', 'facebookexternalhit', 'facebookcatalog', 'embedly', 'iframely', 'preview', // SkypeUriPreview, link previewers
    'headlesschrome', 'lighthouse', 'pagespeed', 'pingdom', 'uptime', 'monitor', 'statuscake', 'site24x7',
    'google-inspectiontool', 'googleother', 'mediapartners-google', 'feedfetcher', 'yahoo! slurp', 'sogou', 'yisou', 'petalsearch',
  ].join('|'),
  'i',
);

/** HTTP libraries and command-line tools, which name themselves first: "curl/8.5.0", "python-requests/2.31". */
const TOOL = /^(?:curl|wget|python|java|go-http-client|okhttp|axios|node-fetch|undici|node|deno|bun|php|ruby|perl|libwww|lwp|httpie|http\.rb|apache-httpclient|postmanruntime|insomnia|dart|rest-client|aiohttp|httpx|scrapy|whatsapp|linkedin|discord|slack|telegram|twitter|skype|viber|line)\b/i;

/**
 * The maker's device model in an Android user agent ("Linux; Android 14; CUBOT P80 Build/…")
 * is taken out before looking for bot words, so that no phone's model name can match one.
 */
const ANDROID_DEVICE = /\(Linux; (?:U; )?Android [^;)]*;[^)]*\)/i;

/** True for a user agent of a crawler, preview fetcher, monitor or script (and for none at all). */
export function isBotUserAgent(userAgent: string | undefined): boolean {
  if (!userAgent || !userAgent.trim()) return true;
  const ua = userAgent.slice(0, 512);
  if (TOOL.test(ua.trim())) return true;
  // Browsers say "Mozilla/5.0"; anything else that is not a known tool is still a program, not a phone.
  if (!/^Mozilla\/\d/i.test(ua.trim())) return true;
  // A URL in the user agent is how bots say who they are ("+http://www.google.com/bot.html"); no browser has one.
  if (/https?:\/\/|\+http|www\./i.test(ua)) return true;
  return BOT_WORDS.test(ua.replace(ANDROID_DEVICE, '(Linux; Android)'));
}

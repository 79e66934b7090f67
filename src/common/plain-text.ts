import sanitizeHtml from 'sanitize-html';

const NO_MARKUP: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: 'discard',
};

/** C0/C1 controls except tab and newline, and the bidi overrides of "Trojan Source" text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};

/**
 * Plain text from whatever a person (or a model) sent: markup stripped by sanitize-html (the
 * contents of script/style go too, the text of other tags stays), Unicode NFC, control
 * characters removed (newlines and tabs kept), trimmed.
 *
 * sanitize-html returns HTML-escaped text ("a &lt; b"); we store plain text, so its escapes are
 * undone and the result cleaned again until nothing changes: text that only *decodes* to markup
 * (`&lt;script&gt;`) is stripped on the next pass. Pages must still render it as text.
 */
export function toPlainText(raw: string): string {
  let text = stripControls(raw.normalize('NFC'));
  for (let pass = 0; pass < 5; pass++) {
    const escaped = sanitizeHtml(text, NO_MARKUP);
    const plain = escaped.replace(/&(lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]);
    if (plain === text) break;
    text = plain;
    if (pass === 4) text = escaped; // never stable: keep the escaped form, which has no markup
  }
  return stripControls(text.normalize('NFC')).trim();
}

/**
 * An optional text field: null when absent, sent as null (class-validator's @IsOptional lets
 * null through), or empty once cleaned.
 */
export function optionalPlainText(raw: string | null | undefined): string | null {
  return raw === undefined || raw === null ? null : toPlainText(raw) || null;
}

function stripControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARS, '');
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export const textLength = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

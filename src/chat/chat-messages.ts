export const ASSISTANT_NAME = 'Assistant';
export const HANDOFF_NOTICE =
  'A member of our team will reply here as soon as possible. You can keep this page open or come back later.';
export const FALLBACK_NOTICE =
  'Sorry, our assistant cannot answer right now. Your message is saved and a member of our team will reply here shortly.';
export const RESOLVED_NOTICE =
  'This conversation has been marked as resolved. Write again here if you need more help.';

/**
 * Whether the message asks for a human: a keyword as a whole word or phrase, case-insensitive
 * (so "agent" matches "an agent please" but not "agenda").
 */
export function asksForHuman(text: string, keywords: string[]): boolean {
  const haystack = text.normalize('NFC').toLowerCase();
  return keywords.some((keyword) => {
    const k = keyword.normalize('NFC').toLowerCase().trim();
    if (!k) return false;
    const escaped = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(haystack);
  });
}

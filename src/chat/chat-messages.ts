import { DomainException } from '../common/errors/domain.exception';
import { cleanChatText, MAX_CHAT_MESSAGE_LENGTH, textLength } from './chat-text';

export const ASSISTANT_NAME = 'Assistant';
export const HANDOFF_NOTICE =
  'A member of our team will reply here as soon as possible. You can keep this page open or come back later.';
export const FALLBACK_NOTICE =
  'Sorry, our assistant cannot answer right now. Your message is saved and a member of our team will reply here shortly.';
export const RESOLVED_NOTICE =
  'This conversation has been marked as resolved. Write again here if you need more help.';

/** A user's or staff member's text, cleaned; 400 when empty or too long after cleaning. */
export function cleanIncoming(raw: string, field = 'message'): string {
  const text = cleanChatText(raw);
  const problem = !text
    ? `${field} is empty once markup and control characters are removed`
    : textLength(text) > MAX_CHAT_MESSAGE_LENGTH
      ? `${field} is longer than ${MAX_CHAT_MESSAGE_LENGTH} characters`
      : null;
  if (problem) throw DomainException.invalidField(field, problem);
  return text;
}

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

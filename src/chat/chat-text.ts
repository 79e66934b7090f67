import { textLength, toPlainText } from '../common/plain-text';
import { CHAT_RULES } from './chat.rules';

export { textLength };

/** The longest message stored, in characters (code points): the assistant's replies are cut to it. */
export const MAX_CHAT_MESSAGE_LENGTH = CHAT_RULES.messageMaxLength;

/**
 * Chat messages are stored as plain text: see `toPlainText` for what is removed. What people
 * type is cleaned by the DTOs (`@PlainText()`); this cleans what the model and the settings
 * produce. Pages must still render them as text.
 */
export const cleanChatText = toPlainText;

/** At most `max` characters, cut on a code point boundary, with an ellipsis when cut. */
export function truncateText(text: string, max: number): string {
  if (textLength(text) <= max) return text;
  return Array.from(text)
    .slice(0, max - 1)
    .join('')
    .trimEnd()
    .concat('…');
}

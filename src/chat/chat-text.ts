import { textLength, toPlainText } from '../common/plain-text';

export { textLength };

/** The longest message a user may send, in characters (Unicode code points), after cleaning. */
export const MAX_CHAT_MESSAGE_LENGTH = 4_000;

/**
 * Chat messages (the user's and the model's) are stored as plain text: see `toPlainText` for
 * what is removed. Pages must still render them as text.
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

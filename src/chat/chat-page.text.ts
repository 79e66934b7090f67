import type { Language } from '../common/http/language';

/**
 * The support page's fixed text, filled into index.html's `{{key}}` slots by
 * ChatPageController. What changes while the page runs (status, errors, senders) is in
 * chat.js's own table.
 */
const FR = {
  title: 'Assistance · Passerelle',
  heading: 'Assistance',
  connecting: 'Connexion…',
  restartTitle: 'Commencer une nouvelle conversation',
  restart: 'Nouvelle conversation',
  switchTo: 'English',
  switchTitle: 'Read this page in English',
  messages: 'Messages',
  typing: 'L’assistant écrit…',
  inputLabel: 'Votre message',
  placeholder: 'Écrivez votre message…',
  send: 'Envoyer',
  ratingLegend: 'Cette conversation vous a-t-elle aidé ?',
  ratingStars: 'Votre note (1 à 5)',
  ratingScale: '1 : pas du tout · 5 : tout à fait',
  ratingCommentLabel: 'Un commentaire ? (facultatif)',
  ratingSubmit: 'Envoyer ma note',
  ratingThanks: 'Merci pour votre avis !',
};

/** Both languages with the same keys (the compiler checks English has every French one). */
export const CHAT_PAGE_TEXT: Record<Language, Record<keyof typeof FR, string>> = {
  fr: FR,
  en: {
    title: 'Support chat · Passerelle',
    heading: 'Support',
    connecting: 'Connecting…',
    restartTitle: 'Start a new conversation',
    restart: 'New conversation',
    switchTo: 'Français',
    switchTitle: 'Lire cette page en français',
    messages: 'Messages',
    typing: 'The assistant is typing…',
    inputLabel: 'Your message',
    placeholder: 'Write your message…',
    send: 'Send',
    ratingLegend: 'Did this conversation help you?',
    ratingStars: 'Your rating (1 to 5)',
    ratingScale: '1: not at all · 5: very much',
    ratingCommentLabel: 'A comment? (optional)',
    ratingSubmit: 'Send my rating',
    ratingThanks: 'Thank you for your feedback!',
  },
};

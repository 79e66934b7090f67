/**
 * The OAuth scopes a person can grant an assistant, each mapped to the actions it allows
 * (`scope` of `@GptAction()`; an action without one needs no scope). Texts are shown on the
 * consent page.
 */
export const OAUTH_SCOPES = {
  'quotes:read': {
    fr: 'Lire vos devis et leurs analyses',
    en: 'Read your quotes and their analyses',
  },
  'analyses:write': {
    fr: 'Enregistrer des analyses de devis',
    en: 'Record quote analyses',
  },
  'timesheets:read': {
    fr: 'Consulter vos clients, projets et temps saisis',
    en: 'Read your customers, projects and time entries',
  },
  'timesheets:write': {
    fr: 'Saisir, modifier et supprimer vos temps',
    en: 'Record, change and delete your time entries',
  },
} as const;

export type OAuthScope = keyof typeof OAUTH_SCOPES;
export const ALL_SCOPES = Object.keys(OAUTH_SCOPES) as OAuthScope[];
/** What a client gets when it asks for no scope (ChatGPT omits `scope` on reconnect). */
export const DEFAULT_SCOPES: OAuthScope[] = [...ALL_SCOPES];

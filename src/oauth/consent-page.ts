import type { Language } from '../common/http/language';
import { OAUTH_SCOPES, type OAuthScope } from './scopes';

const TEXT = {
  fr: {
    title: 'Connexion à Passerelle',
    loginLead: (client: string) =>
      `<strong>${client}</strong> souhaite accéder à votre compte Passerelle. Connectez-vous pour continuer.`,
    email: 'Adresse e-mail',
    password: 'Mot de passe',
    signIn: 'Se connecter',
    consentTitle: 'Autoriser l’accès',
    consentLead: (client: string, email: string) =>
      `<strong>${client}</strong> demande à agir en votre nom (${email}) :`,
    allow: 'Autoriser',
    deny: 'Refuser',
    noScope: 'Vérifier la connexion uniquement',
    invalid: 'E-mail ou mot de passe incorrect.',
    switchTo: 'English',
    footer: 'Vous pourrez retirer cet accès à tout moment.',
    expiredTitle: 'Connexion expirée',
    expired:
      'Cette demande de connexion a expiré ou a déjà servi. Revenez à votre assistant et reconnectez-le.',
  },
  en: {
    title: 'Sign in to Passerelle',
    loginLead: (client: string) =>
      `<strong>${client}</strong> wants to access your Passerelle account. Sign in to continue.`,
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    consentTitle: 'Allow access',
    consentLead: (client: string, email: string) =>
      `<strong>${client}</strong> asks to act on your behalf (${email}):`,
    allow: 'Allow',
    deny: 'Deny',
    noScope: 'Check the connection only',
    invalid: 'Wrong email or password.',
    switchTo: 'Français',
    footer: 'You can remove this access at any time.',
    expiredTitle: 'Sign-in expired',
    expired:
      'This sign-in request has expired or was already used. Go back to your assistant and connect it again.',
  },
} as const;

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.4rem}form{display:grid;gap:.75rem;margin:1.25rem 0}label{display:grid;gap:.25rem;font-weight:600}
input{font:inherit;padding:.55rem .7rem;border:1px solid #b8c0cc;border-radius:6px}
button{font:inherit;padding:.6rem 1rem;border-radius:6px;border:1px solid #2453d6;background:#2453d6;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#2453d6}.row{display:flex;gap:.75rem}.error{color:#b00020;font-weight:600}
ul{padding-left:1.2rem}nav{text-align:right;font-size:.9rem}nav a{color:#2453d6}small{color:#5b6576}`;

function layout(lang: Language, uid: string, title: string, body: string): string {
  const other = lang === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><nav><a href="?lang=${other}" hreflang="${other}">${TEXT[lang].switchTo}</a></nav>
<main data-interaction="${escapeHtml(uid)}">${body}</main></body></html>`;
}

export function loginPage(
  lang: Language,
  input: { uid: string; client: string; email?: string; failed?: boolean },
): string {
  const t = TEXT[lang];
  const client = escapeHtml(input.client);
  const action = `/oauth/interaction/${encodeURIComponent(input.uid)}`;
  return layout(
    lang,
    input.uid,
    t.title,
    `<h1>${t.title}</h1><p>${t.loginLead(client)}</p>
${input.failed ? `<p class="error" role="alert">${t.invalid}</p>` : ''}
<form method="post" action="${action}/login?lang=${lang}">
<label>${t.email}<input type="email" name="email" autocomplete="username" required value="${escapeHtml(input.email ?? '')}"></label>
<label>${t.password}<input type="password" name="password" autocomplete="current-password" required></label>
<div class="row"><button type="submit">${t.signIn}</button>
<button type="submit" class="secondary" formaction="${action}/abort?lang=${lang}" formnovalidate>${t.deny}</button></div></form>`,
  );
}

export function consentPage(
  lang: Language,
  input: { uid: string; client: string; email: string; scopes: string[] },
): string {
  const t = TEXT[lang];
  const client = escapeHtml(input.client);
  const action = `/oauth/interaction/${encodeURIComponent(input.uid)}`;
  const items = input.scopes
    .filter((s): s is OAuthScope => s in OAUTH_SCOPES)
    .map((s) => `<li data-scope="${s}">${OAUTH_SCOPES[s][lang]} <small>(${s})</small></li>`);
  return layout(
    lang,
    input.uid,
    t.consentTitle,
    `<h1>${t.consentTitle}</h1><p>${t.consentLead(client, escapeHtml(input.email))}</p>
<ul>${items.length ? items.join('') : `<li>${t.noScope}</li>`}</ul>
<div class="row"><form method="post" action="${action}/confirm?lang=${lang}"><button type="submit">${t.allow}</button></form>
<form method="post" action="${action}/abort?lang=${lang}"><button type="submit" class="secondary">${t.deny}</button></form></div>
<p><small>${t.footer}</small></p>`,
  );
}

/** An unknown, expired or finished interaction: nothing happened, start again from the assistant. */
export function expiredPage(lang: Language, uid: string): string {
  const t = TEXT[lang];
  return layout(
    lang,
    uid,
    t.expiredTitle,
    `<h1>${t.expiredTitle}</h1><p role="alert">${t.expired}</p>`,
  );
}

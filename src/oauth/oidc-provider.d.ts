/** oidc-provider ships no type declarations; OAuthServer wraps the few calls it makes. */
declare module 'oidc-provider';

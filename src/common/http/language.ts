export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The language of a page for its visitor: an explicit choice (`?lang=` from the page's
 * switch) first, then the first of `Accept-Language` we speak, else French (most users).
 */
export function pickLanguage(choice: unknown, acceptLanguage: string | undefined): Language {
  if (choice === 'fr' || choice === 'en') return choice;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { lang: tag.split('-')[0], q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => x.lang && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  const found = ranked.find((x) => (LANGUAGES as readonly string[]).includes(x.lang));
  return (found?.lang as Language | undefined) ?? 'fr';
}

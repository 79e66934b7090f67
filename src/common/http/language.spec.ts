import { pickLanguage } from './language';

describe(pickLanguage.name, () => {
  it('takes the explicit choice, then Accept-Language by quality, else French', () => {
    expect(pickLanguage('en', 'fr-FR')).toBe('en');
    expect(pickLanguage(undefined, 'en-GB,en;q=0.9,fr;q=0.8')).toBe('en');
    expect(pickLanguage(undefined, 'de-DE, fr;q=0.5, en;q=0.7')).toBe('en');
    expect(pickLanguage(undefined, 'de-DE')).toBe('fr');
    expect(pickLanguage('xx', undefined)).toBe('fr');
  });
});

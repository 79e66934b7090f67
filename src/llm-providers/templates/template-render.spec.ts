import { placeholders, renderTemplate } from './template-render';

describe('prompt templates', () => {
  it('fills {{placeholders}}, spaces allowed, values not re-expanded', () => {
    expect(
      renderTemplate('Bonjour {{ name }}, devis {{ref}}.', { name: '{{ref}}', ref: 'DEV-1' }),
    ).toBe('Bonjour {{ref}}, devis DEV-1.');
  });

  it('lists placeholders once each', () => {
    expect(placeholders('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });

  it('names every missing variable', () => {
    expect(() => renderTemplate('{{a}} {{b}}', { a: 'x' })).toThrow(
      /Missing template variable\(s\): b/,
    );
  });
});

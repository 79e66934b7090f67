import { asksForHuman } from './chat-messages';

describe(asksForHuman.name, () => {
  const keywords = ['human', 'agent', 'real person', 'parler à quelqu'];

  it('matches whole words and phrases, case-insensitively', () => {
    expect(asksForHuman('I want a HUMAN now', keywords)).toBe(true);
    expect(asksForHuman('Can I talk to a real   person', keywords)).toBe(false);
    expect(asksForHuman('Can I talk to a real person?', keywords)).toBe(true);
    expect(asksForHuman('Je voudrais parler à quelqu’un', keywords)).toBe(true);
  });

  it('does not match inside other words', () => {
    expect(asksForHuman('Check my agenda', keywords)).toBe(false);
    expect(asksForHuman('humanity is great', keywords)).toBe(false);
  });
});

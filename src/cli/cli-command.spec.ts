import { CliError, parseExpiry, parsePositiveInt } from './cli-command';

describe('CLI argument parsing', () => {
  it.each(['0', '-5', 'abc', '1.5', '', '1e3', '2000000'])('refuses rate "%s"', (v) => {
    expect(() => parsePositiveInt(v, '--rate')).toThrow(CliError);
  });

  it('accepts whole positive numbers', () => {
    expect(parsePositiveInt('500', '--rate')).toBe(500);
  });

  it('reads "never" as no expiry and a date as the end of that day (UTC)', () => {
    expect(parseExpiry('never')).toBeNull();
    expect(parseExpiry('2027-06-30')?.toISOString()).toBe('2027-06-30T23:59:59.999Z');
    expect(parseExpiry('2027-06-30T12:00:00Z')?.toISOString()).toBe('2027-06-30T12:00:00.000Z');
  });

  it.each(['2027-02-30', 'tomorrow', '30/06/2027', ''])('refuses the date "%s"', (v) => {
    expect(() => parseExpiry(v)).toThrow(CliError);
  });
});

import { DomainException } from '../common/errors/domain.exception';
import { CliError, errorLine, expiryInput, numberInput } from './cli-command';

describe('CLI input', () => {
  it('reads typed numbers as numbers and leaves anything else as typed (for the DTO)', () => {
    expect(numberInput('500')).toBe(500);
    expect(numberInput(' 0 ')).toBe(0);
    expect(numberInput('-5')).toBe(-5);
    expect(numberInput('1.5')).toBe(1.5);
    for (const v of ['abc', '', '1e3', '0x10']) expect(numberInput(v)).toBe(v);
    expect(numberInput(undefined)).toBeUndefined();
  });

  it('reads "never" as no expiry and a date as the end of that day (UTC)', () => {
    expect(expiryInput('never')).toBeNull();
    expect(expiryInput('2027-06-30')).toBe('2027-06-30T23:59:59.999Z');
    expect(expiryInput('2027-06-30T12:00:00Z')).toBe('2027-06-30T12:00:00Z');
    expect(expiryInput('tomorrow')).toBe('tomorrow');
    expect(expiryInput(undefined)).toBeUndefined();
  });

  it.each(['2027-02-30', '2027-13-01'])('refuses the calendar date "%s"', (v) => {
    expect(() => expiryInput(v)).toThrow(CliError);
  });

  it('prints a domain error with the problem of each field, on one line', () => {
    const err = DomainException.validation([
      { field: 'name', messages: ['name must be longer than or equal to 1 characters'] },
      { field: 'rateLimitPerHour', messages: ['rateLimitPerHour must not be less than 1'] },
    ]);
    expect(errorLine(err)).toBe(
      'Validation failed: name, rateLimitPerHour (name must be longer than or equal to 1 characters; rateLimitPerHour must not be less than 1)',
    );
    expect(errorLine(DomainException.notFound('GPT API key'))).toBe('GPT API key not found');
    expect(errorLine(DomainException.invalidField('email', 'Invalid email'))).toBe('Invalid email');
    expect(errorLine(new CliError('--email is required'))).toBe('--email is required');
    expect(errorLine(new Error('boom'))).toBe('unexpected failure: boom');
  });
});

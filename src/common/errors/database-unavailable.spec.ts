import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, isUnstorableInput } from './database-unavailable';

describe(isDatabaseUnavailable.name, () => {
  const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    [
      'an administrator shutdown',
      wrapped(pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['a server starting up', pgError('57P03', 'the database system is starting up')],
    ['a connection exception class 08', wrapped(pgError('08006'))],
    ['too many connections', pgError('53300')],
  ])('recognises %s', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', wrapped(pgError('23505', 'duplicate key value'))],
    ['a syntax error', wrapped(pgError('42601', 'syntax error'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'oops'],
  ])('does not mistake %s for an outage', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe(isUnstorableInput.name, () => {
  const wrapped = (code: string) =>
    new QueryFailedError('SELECT $1', [], Object.assign(new Error('x'), { code }));

  it('treats a NUL byte, an over-long value or an out-of-range number as bad input', () => {
    expect(['22021', '22P05', '22001', '22003'].map((c) => isUnstorableInput(wrapped(c)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isUnstorableInput(wrapped('23505'))).toBe(false);
    expect(isUnstorableInput(new Error('x'))).toBe(false);
  });
});

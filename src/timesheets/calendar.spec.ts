import {
  addDays,
  daysBetween,
  formatDuration,
  isCalendarDate,
  isTimeZone,
  todayIn,
  toHours,
  weekStart,
} from './calendar';

describe('timesheet calendar', () => {
  it('gives today in the person’s time zone, not the server’s', () => {
    const lateEvening = new Date('2026-12-02T23:30:00Z');
    expect(todayIn('Europe/Paris', lateEvening)).toBe('2026-12-03');
    expect(todayIn('UTC', lateEvening)).toBe('2026-12-02');
    expect(todayIn('America/Montreal', lateEvening)).toBe('2026-12-02');
  });

  it('accepts real calendar days only', () => {
    expect(isCalendarDate('2026-12-02')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-12-2', '02/12/2026', 'hier', '']) {
      expect({ bad, ok: isCalendarDate(bad) }).toEqual({ bad, ok: false });
    }
  });

  it('adds days across months and DST changes, finds Mondays and spans', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(weekStart('2026-12-02')).toBe('2026-11-30'); // a Wednesday
    expect(weekStart('2026-12-06')).toBe('2026-11-30'); // a Sunday
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(daysBetween('2026-12-01', '2026-12-31')).toBe(30);
  });

  it('knows IANA zones and formats durations', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect([45, 120, 450, 1440].map(formatDuration)).toEqual(['45 min', '2 h', '7 h 30', '24 h']);
    expect(toHours(450)).toBe(7.5);
    expect(toHours(20)).toBe(0.33);
  });
});

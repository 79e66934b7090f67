import { DomainException } from '../common/errors/domain.exception';
import type { UsersService } from '../users/users.service';
import { TimesheetsReportService } from './timesheets-report.service';
import type { TimesheetsRepository } from './timesheets.repository';
import { TIMESHEET_RULES } from './timesheets.rules';

describe(TimesheetsReportService.name, () => {
  const repo = {
    entryCount: jest.fn(),
    listEntries: jest.fn().mockResolvedValue([]),
    minutesByPeriod: jest.fn(),
    minutesByPerson: jest.fn(),
  };
  const users = { findById: jest.fn().mockResolvedValue({ name: 'Alice', email: 'a@x.fr' }) };
  const sut = new TimesheetsReportService(
    repo as unknown as TimesheetsRepository,
    users as unknown as UsersService,
  );

  it('refuses an export over its limit without loading the entries', async () => {
    repo.entryCount.mockResolvedValueOnce(TIMESHEET_RULES.exportMaxEntries + 1);
    const err = await sut.exportCsv({ from: '2026-01-01', to: '2026-12-31' }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(err.message).toMatch(/at most 20000: narrow the dates/);
    expect(repo.listEntries).not.toHaveBeenCalled();
  });

  it('spreads a week over Monday to Sunday, per project and per person', async () => {
    repo.minutesByPeriod.mockResolvedValueOnce([
      {
        period: '2026-12-07',
        projectId: 'p1',
        project: 'Site web',
        customer: 'Dupont',
        minutes: 90,
      },
      {
        period: '2026-12-09',
        projectId: 'p1',
        project: 'Site web',
        customer: 'Dupont',
        minutes: 30,
      },
      { period: '2026-12-13', projectId: 'p2', project: 'Appli', customer: 'Martin', minutes: 60 },
    ]);
    repo.minutesByPerson.mockResolvedValueOnce([{ userId: 'u1', minutes: 180 }]);
    const week = await sut.week('2026-12-10');
    expect(repo.minutesByPeriod).toHaveBeenCalledWith(
      { from: '2026-12-07', to: '2026-12-13' },
      'day',
    );
    expect(week).toMatchObject({
      week: '2026-12-07',
      previousWeek: '2026-11-30',
      nextWeek: '2026-12-14',
      dayMinutes: [90, 0, 30, 0, 0, 0, 60],
      totalMinutes: 180,
      totalHours: 3,
      people: [{ userId: 'u1', name: 'Alice', email: 'a@x.fr', minutes: 180, hours: 3 }],
    });
    expect(week.projects.map((p) => [p.project, p.days, p.hours])).toEqual([
      ['Site web', [90, 0, 30, 0, 0, 0, 0], 2],
      ['Appli', [0, 0, 0, 0, 0, 0, 60], 1],
    ]);
  });
});

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { TIMESHEET_ENTITIES } from './entities';
import { MyTimesheetController } from './my-timesheet.controller';
import { TimesheetSettingsController } from './timesheet-settings.controller';
import { TimesheetsHierarchyService } from './timesheets-hierarchy.service';
import { TimesheetsReportService } from './timesheets-report.service';
import { TimesheetsStaffController } from './timesheets-staff.controller';
import { TimesheetsRepository } from './timesheets.repository';
import { TimesheetsService } from './timesheets.service';
import { TimesheetsSeedService } from './seed/timesheets-seed.service';

/**
 * Timesheets (issue 16): the hierarchy staff manage, and each person's time entries, which
 * their assistant books as them (`@GptAction({ person: true })`: MCP tools, OAuth only).
 */
@Module({
  imports: [UsersModule, TypeOrmModule.forFeature(TIMESHEET_ENTITIES)],
  controllers: [TimesheetSettingsController, MyTimesheetController, TimesheetsStaffController],
  providers: [
    TimesheetsRepository,
    TimesheetsService,
    TimesheetsHierarchyService,
    TimesheetsReportService,
    TimesheetsSeedService,
  ],
  exports: [
    TimesheetsService,
    TimesheetsHierarchyService,
    TimesheetsReportService,
    TimesheetsSeedService,
  ],
})
export class TimesheetsModule {}

import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { TodayDto, UpdateTimesheetSettingsDto } from './dto/my-timesheet.dto';
import { TimesheetsService } from './timesheets.service';

/** The signed-in person's timesheet settings (their time zone decides what "today" is). */
@ApiTags('timesheets')
@Auth('user')
@Controller('api/timesheets/me/settings')
export class TimesheetSettingsController {
  constructor(private readonly timesheets: TimesheetsService) {}

  @Get()
  @ApiOperation({ summary: 'My time zone (default Europe/Paris) and today in it' })
  @ApiOkResponse({ type: TodayDto })
  get(@CurrentUser() user: AuthenticatedUser): Promise<TodayDto> {
    return this.timesheets.today(user.id);
  }

  @Put()
  @ApiOperation({ summary: 'Set my time zone (IANA name, e.g. Europe/Paris)' })
  @ApiOkResponse({ type: TodayDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown time zone' })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: UpdateTimesheetSettingsDto,
  ): Promise<TodayDto> {
    return this.timesheets.updateSettings(user.id, dto);
  }
}

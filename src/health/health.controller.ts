import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/auth/auth.decorator';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { LifecycleState } from '../common/lifecycle/lifecycle.state';
import { DatabaseHealthIndicator } from './database.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly lifecycle: LifecycleState,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: {}, error: {}, details: {} } } })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: database reachable, migrations applied, not shutting down' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { database: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  async ready() {
    if (this.lifecycle.draining)
      throw new DomainException('SERVICE_UNAVAILABLE', 'Not ready: shutting down');
    try {
      return await this.health.check([() => this.database.check('database')]);
    } catch (err) {
      const response = (err as { response?: { error?: Record<string, { message?: string }> } })
        .response;
      const reasons = Object.entries(response?.error ?? {}).map(
        ([k, v]) => `${k} ${v.message ?? 'down'}`,
      );
      throw new DomainException(
        'SERVICE_UNAVAILABLE',
        `Not ready: ${reasons.join('; ') || 'unknown'}`,
      );
    }
  }
}

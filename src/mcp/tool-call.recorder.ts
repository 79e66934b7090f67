import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BatchWriter } from '../common/batch-writer';
import type { AssistantCaller } from '../common/auth/principal';
import { gptConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { type ToolCallRow, ToolCallsRepository } from './tool-calls.repository';

export interface ToolCallRecord {
  tool: string;
  principal: AssistantCaller;
  calledAt: Date;
  durationMs: number;
  errorCode: string | null;
  requestId: string;
}

/**
 * Records every tool call for the back-office and Prometheus, off the request path: rows are
 * batched and written every GPT_USAGE_FLUSH_MS like usage counts, kept across a failed write,
 * and flushed before the database closes on shutdown.
 */
@Injectable()
export class ToolCallRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly writer: BatchWriter<ToolCallRow>;

  constructor(
    repo: ToolCallsRepository,
    @Inject(gptConfig.KEY) config: ConfigType<typeof gptConfig>,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.writer = new BatchWriter<ToolCallRow>({
      label: 'tool call record(s)',
      intervalMs: config.usageFlushMs,
      write: (rows) => repo.insertMany(rows),
      logger: new Logger(ToolCallRecorder.name),
      maxBatch: 500,
    });
  }

  onModuleInit(): void {
    this.writer.start();
  }

  record(call: ToolCallRecord): void {
    const { principal } = call;
    const outcome = call.errorCode ? 'error' : 'success';
    this.writer.add({
      calledAt: call.calledAt,
      tool: call.tool,
      gptKeyId: principal.kind === 'gpt-key' ? principal.key.id : null,
      userId: principal.kind === 'oauth' ? principal.user.id : null,
      clientId: principal.kind === 'oauth' ? principal.clientId.slice(0, 255) : null,
      outcome,
      errorCode: call.errorCode,
      durationMs: Math.max(0, Math.round(call.durationMs)),
      requestId: call.requestId.slice(0, 64),
    });
    this.metrics?.toolCall({
      tool: call.tool,
      caller: principal.kind,
      outcome,
      code: call.errorCode ?? '',
      seconds: call.durationMs / 1000,
    });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.writer.close();
  }
}

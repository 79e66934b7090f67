import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { DomainException } from '../common/errors/domain.exception';
import { REDIS } from '../common/redis/redis.module';
import type { LlmApiKeyEntity } from '../llm-providers/entities/llm-api-key.entity';
import { LlmUsageRecorder } from '../llm-providers/usage/llm-usage.recorder';

/** How long a reservation counts when its instance never settles it (a crash). */
const RESERVATION_TTL_MS = 10 * 60_000;
/** The month's spend key outlives the month a little (settles of late calls). */
const SPEND_TTL_MS = 35 * 86_400_000;

/**
 * Check-and-reserve in one step, so two instances cannot both pass on the last cent:
 * refuses when the month's spend plus the calls in flight already reach the budget, else
 * adds this call's estimate to the calls in flight. `-1`: the month's spend is not in Redis yet.
 * KEYS: spend, in-flight hash. ARGV: budget, estimate, reservation id, now (ms), expiry (ms).
 */
const RESERVE = `
local spent = redis.call('GET', KEYS[1])
if not spent then return {-1, 0} end
spent = tonumber(spent)
local inflight = 0
local now = tonumber(ARGV[4])
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  local amount, expires = string.match(entries[i + 1], '^(%d+):(%d+)$')
  if tonumber(expires) < now then
    redis.call('HDEL', KEYS[2], entries[i])
  else
    inflight = inflight + tonumber(amount)
  end
end
if spent + inflight >= tonumber(ARGV[1]) then return {0, spent + inflight} end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[2] .. ':' .. ARGV[5])
redis.call('PEXPIRE', KEYS[2], ${RESERVATION_TTL_MS})
return {1, spent + inflight}
`;

/** Ends a reservation and adds what the call really cost (if the month is tracked). */
const SETTLE = `
redis.call('HDEL', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBY', KEYS[1], ARGV[2])
end
return 1
`;

export interface BudgetReservation {
  /** Ends the reservation; `costMicroUsd` is what the call cost (null or 0: nothing). */
  settle(costMicroUsd: number | null): void;
}

const NOTHING: BudgetReservation = { settle: () => undefined };

/**
 * Monthly budgets of provider keys (calendar month, UTC), held across instances: with
 * REDIS_URL the month's spend per key and the calls in flight live in Redis (seeded from
 * llm_usage_logs the first time a month is seen), checked and reserved atomically; without
 * it, the database's figure plus this instance's queued logs and calls in flight. A key
 * without a budget costs no lookup at all.
 */
@Injectable()
export class LlmBudgets {
  private readonly logger = new Logger(LlmBudgets.name);
  /** Calls in flight on this instance (the fallback when Redis is absent or down). */
  private readonly inflight = new Map<string, Map<string, number>>();

  constructor(
    private readonly usage: LlmUsageRecorder,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  /**
   * Refuses (402 LLM_BUDGET_EXCEEDED) once the key's month is spent, counting calls in flight
   * at their estimate; else reserves `estimateMicroUsd` until `settle`. A key with a budget and
   * a model without a known price is refused (402 LLM_PRICE_UNKNOWN): it could not be counted.
   */
  async reserve(
    key: LlmApiKeyEntity,
    model: string,
    estimateMicroUsd: number | null,
  ): Promise<BudgetReservation> {
    const budget = key.monthlyBudgetMicroUsd;
    if (budget === null) return NOTHING;
    if (estimateMicroUsd === null) {
      throw new DomainException(
        'LLM_PRICE_UNKNOWN',
        `Key "${key.name}" has a monthly budget and the price of ${key.provider} model ` +
          `"${model}" is unknown, so its cost could not be counted: use a priced model ` +
          `(GET /api/llm/models), add its price to LLM_PRICING_JSON, or remove the budget.`,
      );
    }
    const estimate = Math.max(1, Math.ceil(estimateMicroUsd));
    const id = randomUUID();
    const now = new Date();
    if (this.redis?.status === 'ready') {
      try {
        return await this.reserveInRedis(this.redis, key, budget, estimate, id, now);
      } catch (err) {
        if (err instanceof DomainException) throw err;
        this.logger.warn(
          `Budget check without Redis (${(err as Error).message}): this instance's figures only`,
        );
      }
    }
    return this.reserveLocally(key, budget, estimate, id, now);
  }

  private async reserveInRedis(
    redis: Redis,
    key: LlmApiKeyEntity,
    budget: number,
    estimate: number,
    id: string,
    now: Date,
  ): Promise<BudgetReservation> {
    const keys = [spendKey(key.id, now), `llm:budget:${key.id}:inflight`];
    const args = [budget, estimate, id, now.getTime(), now.getTime() + RESERVATION_TTL_MS];
    let [outcome, counted] = (await redis.eval(RESERVE, 2, ...keys, ...args)) as number[];
    if (outcome === -1) {
      // First call of the month here: the database's figure (with this instance's queue).
      const spent = await this.usage.spentSince(key.id, monthStart(now));
      await redis.set(keys[0], String(spent), 'PX', SPEND_TTL_MS, 'NX');
      [outcome, counted] = (await redis.eval(RESERVE, 2, ...keys, ...args)) as number[];
    }
    if (outcome !== 1) throw exceeded(key, counted, budget, now);
    return {
      settle: (cost) => {
        redis
          .eval(SETTLE, 2, ...keys, id, Math.max(0, Math.round(cost ?? 0)))
          .catch((err: Error) =>
            this.logger.warn(`Could not settle a budget reservation in Redis: ${err.message}`),
          );
      },
    };
  }

  private async reserveLocally(
    key: LlmApiKeyEntity,
    budget: number,
    estimate: number,
    id: string,
    now: Date,
  ): Promise<BudgetReservation> {
    const spent = await this.usage.spentSince(key.id, monthStart(now));
    let mine = this.inflight.get(key.id);
    const inflight = mine ? [...mine.values()].reduce((s, n) => s + n, 0) : 0;
    if (spent + inflight >= budget) throw exceeded(key, spent + inflight, budget, now);
    if (!mine) this.inflight.set(key.id, (mine = new Map()));
    mine.set(id, estimate);
    return {
      // The usage log (queued by then) carries the real cost: only the estimate goes.
      settle: () => {
        mine.delete(id);
        if (mine.size === 0) this.inflight.delete(key.id);
      },
    };
  }
}

const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

const spendKey = (keyId: string, now: Date) =>
  `llm:budget:${keyId}:spent:${now.toISOString().slice(0, 7)}`;

/** Cents, or down to the micro-dollar for tiny budgets ($0.0005, not $0.00). */
const usd = (micro: number) => `$${(micro / 1e6).toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1')}`;

function exceeded(key: LlmApiKeyEntity, spent: number, budget: number, now: Date) {
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return new DomainException(
    'LLM_BUDGET_EXCEEDED',
    `Key "${key.name}" has reached its monthly budget: ${usd(spent)} spent of ${usd(budget)} ` +
      `this month (UTC), calls in flight included. It resets on ` +
      `${nextMonth.toISOString().slice(0, 10)}; raise monthlyBudgetUsd with ` +
      `PATCH /api/llm/keys/${key.id} to continue now.`,
  );
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../database/kit/transaction';
import { GptAnalysisEntity, type ReviewVerdict } from './entities/gpt-analysis.entity';
import { GptIdempotencyRecordEntity } from './entities/gpt-idempotency-record.entity';
import { pgPool } from '../database/kit/pg-pool';

export type NewAnalysis = Pick<
  GptAnalysisEntity,
  | 'devisId'
  | 'apiKeyId'
  | 'userId'
  | 'oauthClientId'
  | 'gptScore'
  | 'gptGrade'
  | 'confidence'
  | 'analysis'
  | 'recommendations'
>;

/**
 * Work done in the insert's transaction once the analysis row exists: opens the review
 * conversation of a doubtful analysis and returns its id (see ChatReviewService.open).
 */
export type ReviewHook = (tx: Transaction, stored: GptAnalysisEntity) => Promise<string>;

/** A staff member's review of a doubtful (or any) analysis. */
export interface AnalysisReview {
  reviewedById: string;
  verdict: ReviewVerdict;
  note: string | null;
}

/** Who an idempotency key belongs to: a GPT key, or a signed-in person. */
export type IdempotencyOwner =
  { apiKeyId: string; userId: null } | { apiKeyId: null; userId: string };

export interface IdempotencyInput {
  owner: IdempotencyOwner;
  idempotencyKey: string;
  requestHash: string;
}

const IDEMPOTENCY_TTL = "interval '24 hours'";

/** The only place that queries `gpt_analyses` and `gpt_idempotency_records`. */
@Injectable()
export class GptAnalysesRepository {
  constructor(
    @InjectRepository(GptAnalysisEntity) private readonly analyses: Repository<GptAnalysisEntity>,
    @InjectRepository(GptIdempotencyRecordEntity)
    private readonly idempotency: Repository<GptIdempotencyRecordEntity>,
  ) {}

  /**
   * Stores an analysis, and with an idempotency key its response too, in one transaction:
   * a concurrent retry with the same key fails on the unique index and stores nothing. With
   * `review`, the analysis is `pending` and its review conversation is opened in the same
   * transaction (a rolled-back retry leaves no conversation either).
   */
  insert(
    analysis: NewAnalysis,
    idem: IdempotencyInput | null,
    respond: (stored: GptAnalysisEntity) => unknown,
    review?: ReviewHook,
  ): Promise<GptAnalysisEntity> {
    return this.analyses.manager.transaction(async (m) => {
      const repo = m.getRepository(GptAnalysisEntity);
      const { id } = (await repo.insert({ ...analysis, reviewStatus: review ? 'pending' : 'none' }))
        .identifiers[0] as { id: string };
      if (review) {
        const supportSessionId = await review(m, await repo.findOneByOrFail({ id }));
        await repo.update({ id }, { supportSessionId });
      }
      const stored = await repo.findOneByOrFail({ id });
      if (idem) {
        const { owner, idempotencyKey, requestHash } = idem;
        await m.getRepository(GptIdempotencyRecordEntity).insert({
          ...owner,
          idempotencyKey,
          requestHash,
          responseStatus: 201,
          responseBody: respond(stored) as object,
        });
      }
      return stored;
    });
  }

  /** A record younger than 24 h; older ones no longer protect (and are purged). */
  findIdempotency(
    owner: IdempotencyOwner,
    idempotencyKey: string,
  ): Promise<GptIdempotencyRecordEntity | null> {
    const [column, value] = owner.apiKeyId
      ? ['r.apiKeyId', owner.apiKeyId]
      : ['r.userId', owner.userId];
    return this.idempotency
      .createQueryBuilder('r')
      .where(`${column} = :owner AND r.idempotencyKey = :idempotencyKey`, {
        owner: value,
        idempotencyKey,
      })
      .andWhere(`r.createdAt > now() - ${IDEMPOTENCY_TTL}`)
      .getOne();
  }

  /** Drops records past 24 h, so an old key can be used again (index on created_at). */
  async purgeExpiredIdempotency(): Promise<void> {
    await this.idempotency
      .createQueryBuilder()
      .delete()
      .where(`created_at <= now() - ${IDEMPOTENCY_TTL}`)
      .execute();
  }

  findById(id: string): Promise<GptAnalysisEntity | null> {
    return this.analyses.findOneBy({ id });
  }

  /** Records a staff review; false when the analysis does not exist. */
  async review(id: string, r: AnalysisReview): Promise<boolean> {
    const result = await this.analyses.update(
      { id },
      {
        reviewStatus: 'reviewed',
        reviewedAt: () => 'now()',
        reviewedById: r.reviewedById,
        reviewVerdict: r.verdict,
        reviewNote: r.note,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Analyses waiting for a person (partial index on pending ones). */
  async awaitingReview(): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await this.analyses.query<{ count: number; oldest: Date | null }[]>(
      `SELECT count(*)::int AS count, min(created_at) AS oldest
         FROM gpt_analyses WHERE review_status = 'pending'`,
    );
    return row;
  }

  listByDevis(devisId: string, limit?: number): Promise<GptAnalysisEntity[]> {
    return this.analyses.find({ where: { devisId }, order: { createdAt: 'DESC' }, take: limit });
  }

  /**
   * The latest analyses of a devis and how many it has, in one query, on the driver's pg pool
   * directly (GPTs read it with every devis: see DevisRepository.findWithLines).
   */
  async recentByDevis(
    devisId: string,
    limit: number,
  ): Promise<{
    total: number;
    recent: Pick<GptAnalysisEntity, 'id' | 'gptScore' | 'gptGrade' | 'createdAt'>[];
  }> {
    const { rows } = await pgPool(this.analyses.manager).query<{
      id: string;
      gpt_score: number;
      gpt_grade: GptAnalysisEntity['gptGrade'];
      created_at: Date;
      total: string;
    }>(
      `SELECT id, gpt_score, gpt_grade, created_at, count(*) OVER () AS total
         FROM gpt_analyses WHERE devis_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [devisId, limit],
    );
    return {
      total: rows.length ? Number(rows[0].total) : 0,
      recent: rows.map((r) => ({
        id: r.id,
        gptScore: r.gpt_score,
        gptGrade: r.gpt_grade,
        createdAt: r.created_at,
      })),
    };
  }

  perDay(days: number): Promise<{ day: string; analyses: string; average_score: string | null }[]> {
    return this.analyses.query(
      // UTC days, whatever the server's time zone (the back-office charts use the same days).
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(a.id) AS analyses, round(avg(a.gpt_score), 1) AS average_score
         FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1 - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
         LEFT JOIN gpt_analyses a ON a.created_at >= d.day AT TIME ZONE 'UTC'
                                 AND a.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
        GROUP BY d.day ORDER BY d.day`,
      [days],
    );
  }

  topDevis(
    days: number,
    limit = 10,
  ): Promise<{ devis_id: string; reference: string; analyses: string; average_score: string }[]> {
    return this.analyses.query(
      `SELECT d.id AS devis_id, d.reference, count(*) AS analyses, round(avg(a.gpt_score), 1) AS average_score
         FROM gpt_analyses a JOIN devis d ON d.id = a.devis_id
        WHERE a.created_at >= date_trunc('day', now()) - make_interval(days => $1 - 1)
        GROUP BY d.id, d.reference ORDER BY count(*) DESC, d.reference LIMIT $2`,
      [days, limit],
    );
  }

  perKey(
    days: number,
  ): Promise<
    { key_id: string | null; key_name: string | null; analyses: string; requests: string | null }[]
  > {
    return this.analyses.query(
      `SELECT k.id AS key_id, k.name AS key_name, count(*) AS analyses, k.usage_count AS requests
         FROM gpt_analyses a LEFT JOIN gpt_api_keys k ON k.id = a.api_key_id
        WHERE a.created_at >= date_trunc('day', now()) - make_interval(days => $1 - 1)
        GROUP BY k.id, k.name, k.usage_count ORDER BY count(*) DESC`,
      [days],
    );
  }
}

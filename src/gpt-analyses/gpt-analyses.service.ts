import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../database/kit/errors';
import type { AssistantCaller } from '../common/auth/principal';
import { sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { bpToPercent, computeTotals, formatEuros } from '../devis/devis-math';
import { DevisLineResponseDto, partiesOf } from '../devis/dto/devis-response.dto';
import { DevisService } from '../devis/devis.service';
import { ChatReviewService, type ReviewConversation } from '../chat/chat-review.service';
import { ChatSettingsService } from '../chat/chat-settings.service';
import { AnalysisResponseDto } from './dto/analysis-response.dto';
import { CreateAnalysisDto } from './dto/create-analysis.dto';
import { GptDevisDto, MAX_GPT_LINES } from './dto/gpt-devis.dto';
import { AnalysisStatsDto } from './dto/stats.dto';
import {
  GptAnalysesRepository,
  type IdempotencyOwner,
  type ReviewHook,
} from './gpt-analyses.repository';
import { ReviewAnalysisDto } from './dto/review-analysis.dto';

export interface AnalysisPostResult {
  status: number;
  body: AnalysisResponseDto;
  /** True when an Idempotency-Key retry got the first response back. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What a GPT reads and writes: devis views, analyses (idempotent posts), and staff stats. */
@Injectable()
export class GptAnalysesService {
  constructor(
    private readonly devis: DevisService,
    private readonly repo: GptAnalysesRepository,
    private readonly chatSettings: ChatSettingsService,
    private readonly reviews: ChatReviewService,
  ) {}

  async devisForGpt(
    idOrRef: string,
    linesOffset = 0,
    linesLimit = MAX_GPT_LINES,
  ): Promise<GptDevisDto> {
    const d = await this.devis.get(idOrRef);
    const lines = d.lines ?? [];
    const totals = computeTotals(lines);
    const categories = new Map<
      string,
      { category: string; lineCount: number; totalHtCents: number }
    >();
    for (const l of lines) {
      const c = categories.get(l.category) ?? {
        category: l.category,
        lineCount: 0,
        totalHtCents: 0,
      };
      c.lineCount += 1;
      c.totalHtCents += l.totalHtCents;
      categories.set(l.category, c);
    }
    const { recent, total: analysisCount } = await this.repo.recentByDevis(d.id, 5);
    const page = lines.slice(linesOffset, linesOffset + linesLimit);
    return {
      id: d.id,
      reference: d.reference,
      title: d.title,
      status: d.status,
      ...partiesOf(d),
      issueDate: d.issueDate,
      validUntil: d.validUntil,
      totals: {
        ht: { cents: d.totalHtCents, formatted: formatEuros(d.totalHtCents) },
        tva: { cents: d.totalTvaCents, formatted: formatEuros(d.totalTvaCents) },
        ttc: { cents: d.totalTtcCents, formatted: formatEuros(d.totalTtcCents) },
      },
      tvaBreakdown: totals.tvaBreakdown.map((b) => ({
        ratePercent: bpToPercent(b.tvaRateBp),
        baseHtCents: b.baseHtCents,
        tvaCents: b.tvaCents,
      })),
      categories: [...categories.values()].sort((a, b) => b.totalHtCents - a.totalHtCents),
      lineCount: lines.length,
      linesOffset,
      hasMoreLines: linesOffset + page.length < lines.length,
      lines: page.map(DevisLineResponseDto.from),
      metadata: d.metadata,
      analysisCount,
      previousAnalyses: recent.map(({ id, gptScore, gptGrade, createdAt }) => ({
        id,
        gptScore,
        gptGrade,
        createdAt,
      })),
    };
  }

  async listForDevis(idOrRef: string) {
    const d = await this.devis.get(idOrRef, false);
    const analyses = await this.repo.listByDevis(d.id, 100);
    return { devisReference: d.reference, analyses: analyses.map(AnalysisResponseDto.from) };
  }

  /**
   * Stores an analysis. With an idempotency key (the Idempotency-Key header, or the
   * `idempotencyKey` field since ChatGPT Actions cannot send custom headers), a retry with
   * the same body gets the first response back and stores nothing; the same key with another
   * body is refused (422).
   */
  async create(
    caller: AssistantCaller,
    dto: CreateAnalysisDto,
    headerKey?: string,
  ): Promise<AnalysisPostResult> {
    if (headerKey !== undefined && !IDEMPOTENCY_KEY.test(headerKey)) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'Idempotency-Key must be 1-255 visible ASCII characters',
      );
    }
    const { idempotencyKey: bodyKey, ...content } = dto;
    if (headerKey && bodyKey && headerKey !== bodyKey) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'The Idempotency-Key header and the idempotencyKey field differ',
      );
    }
    const idempotencyKey = headerKey ?? bodyKey;
    const owner: IdempotencyOwner =
      caller.kind === 'gpt-key'
        ? { apiKeyId: caller.key.id, userId: null }
        : { apiKeyId: null, userId: caller.user.id };
    const requestHash = sha256Hex(canonicalJson(content));
    if (idempotencyKey) {
      const previous = await this.repo.findIdempotency(owner, idempotencyKey);
      if (previous) return replay(previous, requestHash);
      await this.repo.purgeExpiredIdempotency();
    }
    const devis = await this.devis.get(dto.devisId, false);
    const { reviewConfidenceThreshold: threshold } = await this.chatSettings.current();
    const doubtful = dto.confidence < threshold || dto.gptGrade === 'E';
    let conversation: ReviewConversation | null = null;
    const review: ReviewHook | undefined = doubtful
      ? async (tx, a) => {
          conversation = await this.reviews.open(tx, {
            analysisId: a.id,
            devisId: devis.id,
            devisReference: devis.reference,
            devisTitle: devis.title,
            userId: a.userId,
            gptScore: a.gptScore,
            gptGrade: a.gptGrade,
            confidence: a.confidence,
            summary: a.analysis.summary,
            threshold,
          });
          return conversation.sessionId;
        }
      : undefined;
    try {
      const stored = await this.repo.insert(
        {
          devisId: devis.id,
          apiKeyId: owner.apiKeyId,
          userId: owner.userId,
          oauthClientId: caller.kind === 'oauth' ? caller.clientId : null,
          gptScore: dto.gptScore,
          gptGrade: dto.gptGrade,
          confidence: dto.confidence,
          analysis: dto.analysis,
          recommendations: dto.recommendations,
        },
        idempotencyKey ? { owner, idempotencyKey, requestHash } : null,
        (a) => AnalysisResponseDto.from(a),
        review,
      );
      if (conversation) this.reviews.announce(conversation);
      return { status: 201, body: AnalysisResponseDto.from(stored), replayed: false };
    } catch (err) {
      const duplicate = isUniqueViolation(err);
      if (!duplicate || !idempotencyKey) throw err;
      // A concurrent retry with the same key committed first: answer as it did.
      const previous = await this.repo.findIdempotency(owner, idempotencyKey);
      if (!previous) throw err;
      return replay(previous, requestHash);
    }
  }

  /**
   * A staff member's verdict on an analysis (doubtful ones wait for it): it becomes
   * `reviewed`, and assistants reading the devis' analyses see the verdict and the note.
   */
  async review(
    staff: { id: string },
    analysisId: string,
    dto: ReviewAnalysisDto,
  ): Promise<AnalysisResponseDto> {
    const note = dto.note?.trim() || null;
    const done = await this.repo.review(analysisId, {
      reviewedById: staff.id,
      verdict: dto.verdict,
      note,
    });
    if (!done) throw DomainException.notFound('Analysis');
    return AnalysisResponseDto.from((await this.repo.findById(analysisId))!);
  }

  /** The dashboard's "analyses awaiting review". */
  awaitingReview(): Promise<{ count: number; oldest: Date | null }> {
    return this.repo.awaitingReview();
  }

  /** Analyses per UTC day over the last `days` days, oldest first (zero days included). */
  async perDay(
    days: number,
  ): Promise<{ day: string; analyses: number; averageScore: number | null }[]> {
    return (await this.repo.perDay(days)).map((d) => ({
      day: d.day,
      analyses: Number(d.analyses),
      averageScore: d.average_score === null ? null : Number(d.average_score),
    }));
  }

  async stats(days: number): Promise<AnalysisStatsDto> {
    const [perDay, top, perKey] = await Promise.all([
      this.perDay(days),
      this.repo.topDevis(days),
      this.repo.perKey(days),
    ]);
    const num = (v: string | null) => (v === null ? null : Number(v));
    return {
      days,
      totalAnalyses: perDay.reduce((s, d) => s + d.analyses, 0),
      perDay,
      topDevis: top.map((t) => ({
        devisId: t.devis_id,
        reference: t.reference,
        analyses: Number(t.analyses),
        averageScore: Number(t.average_score),
      })),
      perKey: perKey.map((k) => ({
        keyId: k.key_id,
        keyName: k.key_name,
        analyses: Number(k.analyses),
        requests: num(k.requests),
      })),
    };
  }
}

function replay(
  previous: { requestHash: string; responseStatus: number; responseBody: unknown },
  requestHash: string,
): AnalysisPostResult {
  if (previous.requestHash !== requestHash) {
    throw new DomainException(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different body: use a new key for a new analysis',
    );
  }
  return {
    status: previous.responseStatus,
    body: previous.responseBody as AnalysisResponseDto,
    replayed: true,
  };
}

/** JSON with object keys sorted, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

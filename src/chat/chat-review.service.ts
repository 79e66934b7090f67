import { Injectable } from '@nestjs/common';
import type { Transaction } from '../database/kit/transaction';
import { MetricsService } from '../metrics/metrics.service';
import { ChatEvents } from './chat-events';
import { cleanChatText, truncateText } from './chat-text';
import { ChatRepository } from './chat.repository';
import { SupportWebhook } from './support-webhook';

/** What the support conversation needs to know of a doubtful analysis. */
export interface DoubtfulAnalysis {
  analysisId: string;
  devisId: string;
  devisReference: string;
  devisTitle: string;
  /** The person who posted it through an assistant signed in with OAuth (null for a GPT key). */
  userId: string | null;
  gptScore: number;
  gptGrade: string;
  confidence: number;
  summary: string;
  /** The chat settings' threshold it was compared with. */
  threshold: number;
}

/** The conversation an analysis went to; `opened`: a new one (else a message was added). */
export interface ReviewConversation {
  sessionId: string;
  lastSequence: number;
  opened: boolean;
  title: string;
  analysisId: string;
  devisId: string;
}

const SUMMARY_MAX = 1_000;

/**
 * Doubtful analyses reach a person: the support conversation in which staff review one
 * (status `open`, no assistant), linked to the analysis and its devis. `open` runs inside the
 * transaction that stores the analysis (both commit or neither); `announce` after the commit
 * tells SSE streams and the staff webhook.
 */
@Injectable()
export class ChatReviewService {
  constructor(
    private readonly repo: ChatRepository,
    private readonly events: ChatEvents,
    private readonly metrics: MetricsService,
    private readonly webhook: SupportWebhook,
  ) {}

  async open(tx: Transaction, a: DoubtfulAnalysis): Promise<ReviewConversation> {
    const title = truncateText(`Analyse à vérifier : ${a.devisReference} — ${a.devisTitle}`, 200);
    const conversation = await this.repo.openReview(tx, {
      devisId: a.devisId,
      userId: a.userId,
      title,
      message: { role: 'system', senderName: null, content: reviewMessage(a) },
    });
    return { ...conversation, title, analysisId: a.analysisId, devisId: a.devisId };
  }

  announce(c: ReviewConversation): void {
    this.events.publish(c.sessionId, c.lastSequence);
    this.metrics.chatMessage('system');
    // A second doubtful analysis of a devis already waiting for staff: no second alert.
    if (!c.opened) return;
    this.webhook.notify({
      sessionId: c.sessionId,
      reason: 'doubtful-analysis',
      title: c.title,
      devisId: c.devisId,
      analysisId: c.analysisId,
    });
  }
}

/** The first message staff read: why the analysis needs a person, and what it said. */
export function reviewMessage(a: DoubtfulAnalysis): string {
  const why = [
    ...(a.confidence < a.threshold
      ? [`confiance ${a.confidence} % sous le seuil de ${a.threshold} %`]
      : []),
    ...(a.gptGrade === 'E' ? ['note E'] : []),
  ].join(' et ');
  return [
    `Analyse à vérifier (${why}) — devis ${a.devisReference} « ${a.devisTitle} ».`,
    `Score ${a.gptScore}/100, note ${a.gptGrade}, confiance ${a.confidence} %.`,
    `Résumé de l'analyse : ${truncateText(cleanChatText(a.summary), SUMMARY_MAX)}`,
    `Analyse ${a.analysisId} : relisez-la et donnez votre avis (back-office : « Mark reviewed » sur l’analyse).`,
  ].join('\n');
}

import { ApiProperty } from '@nestjs/swagger';
import { DEVIS_STATUSES, DevisEntity, type DevisStatus } from '../entities/devis.entity';
import type { DevisLineEntity } from '../entities/devis-line.entity';
import { bpToPercent } from '../devis-math';
import { ClientDto, CompanyDto } from './devis.dto';

export class DevisLineResponseDto {
  @ApiProperty({ example: 1 })
  position: number;

  @ApiProperty({ example: 'Remplacement du ballon d’eau chaude 200 L' })
  description: string;

  @ApiProperty({ example: 'plomberie' })
  category: string;

  @ApiProperty({ example: 1 })
  quantity: number;

  @ApiProperty({ example: 'u' })
  unit: string;

  @ApiProperty({ example: 145000, description: 'Euro cents, excluding tax' })
  unitPriceHtCents: number;

  @ApiProperty({ example: 10, description: 'Percent' })
  tvaRate: number;

  @ApiProperty({ example: 145000, description: 'Euro cents, excluding tax' })
  totalHtCents: number;

  static from(l: DevisLineEntity): DevisLineResponseDto {
    return {
      position: l.position,
      description: l.description,
      category: l.category,
      quantity: l.quantity,
      unit: l.unit,
      unitPriceHtCents: l.unitPriceHtCents,
      tvaRate: bpToPercent(l.tvaRateBp),
      totalHtCents: l.totalHtCents,
    };
  }
}

/** The contractor and the client of a devis, as every devis response shows them. */
export function partiesOf(d: DevisEntity): { company: CompanyDto; client: ClientDto } {
  return {
    company: { name: d.companyName, siret: d.companySiret },
    client: { name: d.clientName, postcode: d.clientPostcode, city: d.clientCity },
  };
}

export class TotalsDto {
  @ApiProperty({ example: 145000 })
  htCents: number;

  @ApiProperty({ example: 14500 })
  tvaCents: number;

  @ApiProperty({ example: 159500 })
  ttcCents: number;
}

export class DevisSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'DEV-2025-0042' })
  reference: string;

  @ApiProperty({ example: 'Rénovation salle de bains' })
  title: string;

  @ApiProperty({ enum: DEVIS_STATUSES })
  status: DevisStatus;

  @ApiProperty({ example: 'Rénov Habitat SARL' })
  companyName: string;

  @ApiProperty({ example: 'M. et Mme Martin' })
  clientName: string;

  @ApiProperty({ type: TotalsDto })
  totals: TotalsDto;

  @ApiProperty({ example: '2025-03-14', format: 'date' })
  issueDate: string;

  @ApiProperty({ example: '2026-11-22T09:00:00.000Z' })
  createdAt: Date;

  static from(d: DevisEntity): DevisSummaryDto {
    return {
      id: d.id,
      reference: d.reference,
      title: d.title,
      status: d.status,
      companyName: d.companyName,
      clientName: d.clientName,
      totals: { htCents: d.totalHtCents, tvaCents: d.totalTvaCents, ttcCents: d.totalTtcCents },
      issueDate: d.issueDate,
      createdAt: d.createdAt,
    };
  }
}

export class DevisResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'DEV-2025-0042' })
  reference: string;

  @ApiProperty({ example: 'Rénovation salle de bains' })
  title: string;

  @ApiProperty({ enum: DEVIS_STATUSES })
  status: DevisStatus;

  @ApiProperty({ type: CompanyDto })
  company: CompanyDto;

  @ApiProperty({ type: ClientDto })
  client: ClientDto;

  @ApiProperty({ enum: ['EUR'] })
  currency: 'EUR';

  @ApiProperty({ type: TotalsDto })
  totals: TotalsDto;

  @ApiProperty({ example: '2025-03-14', format: 'date' })
  issueDate: string;

  @ApiProperty({ example: '2025-04-13', format: 'date', nullable: true, type: String })
  validUntil: string | null;

  @ApiProperty({ example: {} })
  metadata: Record<string, unknown>;

  @ApiProperty({ type: [DevisLineResponseDto] })
  lines: DevisLineResponseDto[];

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;

  static from(d: DevisEntity): DevisResponseDto {
    return {
      id: d.id,
      reference: d.reference,
      title: d.title,
      status: d.status,
      ...partiesOf(d),
      currency: d.currency,
      totals: { htCents: d.totalHtCents, tvaCents: d.totalTvaCents, ttcCents: d.totalTtcCents },
      issueDate: d.issueDate,
      validUntil: d.validUntil,
      metadata: d.metadata,
      lines: (d.lines ?? []).map(DevisLineResponseDto.from),
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
  }
}

export class DevisPageDto {
  @ApiProperty({ type: [DevisSummaryDto] })
  items: DevisSummaryDto[];

  @ApiProperty({ example: 1 })
  page: number;

  @ApiProperty({ example: 20 })
  pageSize: number;

  @ApiProperty({ example: 12 })
  total: number;
}

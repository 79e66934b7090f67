import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../database/kit/errors';
import { isUuid } from '../common/text';
import { DomainException, FieldError } from '../common/errors/domain.exception';
import {
  computeTotals,
  DevisTotals,
  isValidSiret,
  lineTotalHtCents,
  percentToBp,
} from './devis-math';
import { DevisLineRow, DevisRepository, DevisRow } from './devis.repository';
import { DEVIS_RULES } from './devis.rules';
import {
  CreateDevisDto,
  DevisLineInputDto,
  ListDevisQueryDto,
  UpdateDevisDto,
} from './dto/devis.dto';
import { DevisEntity } from './entities/devis.entity';

/**
 * Quotes: create, search, read, change, delete; totals always recomputed from the lines.
 * Text fields arrive cleaned and trimmed by the DTOs (`@PlainText()`).
 */
@Injectable()
export class DevisService {
  constructor(private readonly repo: DevisRepository) {}

  async create(dto: CreateDevisDto): Promise<DevisEntity> {
    const lines = this.buildLines(dto.lines);
    const totals = computeTotals(lines);
    this.checkHeader(dto, totals);
    const id = await this.saveUnique(
      {
        reference: dto.reference.toUpperCase(),
        title: dto.title,
        status: dto.status ?? 'draft',
        companyName: dto.company.name,
        companySiret: dto.company.siret ?? null,
        clientName: dto.client.name,
        clientPostcode: dto.client.postcode ?? null,
        clientCity: dto.client.city ?? null,
        currency: 'EUR',
        ...totalsColumns(totals),
        issueDate: dto.issueDate,
        validUntil: dto.validUntil ?? null,
        metadata: dto.metadata ?? {},
      },
      lines,
    );
    return this.get(id);
  }

  async update(idOrRef: string, dto: UpdateDevisDto): Promise<DevisEntity> {
    const current = await this.get(idOrRef);
    const lines = dto.lines ? this.buildLines(dto.lines) : undefined;
    const totals = computeTotals(lines ?? current.lines ?? []);
    this.checkHeader(
      {
        company: dto.company ?? { name: current.companyName, siret: current.companySiret },
        issueDate: dto.issueDate ?? current.issueDate,
        validUntil: dto.validUntil === undefined ? current.validUntil : dto.validUntil,
        totals: dto.totals,
      },
      totals,
    );
    const patch: Partial<DevisRow> = {
      id: current.id,
      ...(dto.reference !== undefined && { reference: dto.reference.toUpperCase() }),
      ...(dto.title !== undefined && { title: dto.title }),
      ...(dto.status !== undefined && { status: dto.status }),
      ...(dto.company && {
        companyName: dto.company.name,
        companySiret: dto.company.siret ?? null,
      }),
      ...(dto.client && {
        clientName: dto.client.name,
        clientPostcode: dto.client.postcode ?? null,
        clientCity: dto.client.city ?? null,
      }),
      ...(dto.issueDate !== undefined && { issueDate: dto.issueDate }),
      ...(dto.validUntil !== undefined && { validUntil: dto.validUntil }),
      ...(dto.metadata !== undefined && { metadata: dto.metadata }),
      ...totalsColumns(totals),
    };
    await this.saveUnique(patch, lines);
    return this.get(current.id);
  }

  async list(q: ListDevisQueryDto) {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? DEVIS_RULES.list.pageSize.default;
    const [items, total] = await this.repo.search({
      reference: q.reference,
      company: q.company,
      status: q.status,
      from: q.from,
      to: q.to,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { items, page, pageSize, total };
  }

  /** By id, or by reference (users and GPTs name quotes by reference). */
  async get(idOrRef: string, withLines = true): Promise<DevisEntity> {
    const devis = isUuid(idOrRef)
      ? await this.repo.findById(idOrRef, withLines)
      : await this.repo.findByReference(idOrRef.trim(), withLines);
    if (!devis) {
      throw new DomainException(
        'NOT_FOUND',
        `No devis found with ${isUuid(idOrRef) ? 'id' : 'reference'} "${idOrRef.slice(0, 60)}". Check the reference with the user.`,
      );
    }
    return devis;
  }

  async remove(idOrRef: string): Promise<void> {
    const devis = await this.get(idOrRef, false);
    await this.repo.delete(devis.id);
  }

  private buildLines(input: DevisLineInputDto[]): DevisLineRow[] {
    const errors: FieldError[] = [];
    const lines = input.map((l, i) => {
      const totalHtCents = lineTotalHtCents(l.quantity, l.unitPriceHtCents);
      if (l.totalHtCents !== undefined && l.totalHtCents !== totalHtCents) {
        errors.push({
          field: `lines.${i}.totalHtCents`,
          messages: [
            `lines.${i}.totalHtCents is ${l.totalHtCents} but quantity × unit price gives ${totalHtCents}`,
          ],
        });
      }
      return {
        position: l.position ?? i + 1,
        description: l.description,
        category: l.category.trim().toLowerCase(),
        quantity: l.quantity,
        unit: l.unit,
        unitPriceHtCents: l.unitPriceHtCents,
        tvaRateBp: percentToBp(l.tvaRate),
        totalHtCents,
      };
    });
    const positions = lines.map((l) => l.position);
    if (new Set(positions).size !== positions.length) {
      errors.push({ field: 'lines', messages: ['lines must have distinct positions'] });
    }
    if (errors.length) throw DomainException.validation(errors);
    return lines.sort((a, b) => a.position - b.position);
  }

  private checkHeader(
    d: Pick<CreateDevisDto, 'company' | 'issueDate' | 'validUntil' | 'totals'>,
    totals: DevisTotals,
  ) {
    const errors: FieldError[] = [];
    if (d.company.siret && !isValidSiret(d.company.siret)) {
      errors.push({ field: 'company.siret', messages: ['company.siret fails the SIRET checksum'] });
    }
    if (d.validUntil && d.validUntil < d.issueDate) {
      errors.push({ field: 'validUntil', messages: ['validUntil must not be before issueDate'] });
    }
    const given = d.totals ?? {};
    for (const [field, actual] of [
      ['htCents', totals.totalHtCents],
      ['tvaCents', totals.totalTvaCents],
      ['ttcCents', totals.totalTtcCents],
    ] as const) {
      if (given[field] !== undefined && given[field] !== actual) {
        errors.push({
          field: `totals.${field}`,
          messages: [`totals.${field} is ${given[field]} but the lines add up to ${actual}`],
        });
      }
    }
    if (errors.length) throw DomainException.validation(errors);
  }

  private async saveUnique(devis: Partial<DevisRow>, lines?: DevisLineRow[]) {
    try {
      return await this.repo.save(devis, lines);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException(
          'CONFLICT',
          `A devis with reference ${devis.reference} already exists`,
        );
      }
      throw err;
    }
  }
}

function totalsColumns(t: DevisTotals) {
  return {
    totalHtCents: t.totalHtCents,
    totalTvaCents: t.totalTvaCents,
    totalTtcCents: t.totalTtcCents,
  };
}

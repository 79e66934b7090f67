import { Injectable } from '@nestjs/common';
import { escapeLike } from '../common/text';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DevisLineEntity } from './entities/devis-line.entity';
import { DevisEntity, DevisStatus } from './entities/devis.entity';
import { pgPool } from '../database/kit/pg-pool';

export interface DevisSearch {
  reference?: string;
  company?: string;
  status?: DevisStatus;
  from?: string;
  to?: string;
  offset: number;
  limit: number;
}

/** The columns of a devis, as written (BaseEntity methods and relations left out). */
export type DevisRow = {
  [
    K in keyof DevisEntity as DevisEntity[K] extends (...args: never[]) => unknown ? never : K
  ]: DevisEntity[K];
};
export type DevisLineRow = Pick<
  DevisLineEntity,
  | 'position'
  | 'description'
  | 'category'
  | 'quantity'
  | 'unit'
  | 'unitPriceHtCents'
  | 'tvaRateBp'
  | 'totalHtCents'
>;
type DevisWrite = Partial<Omit<DevisRow, 'lines' | 'createdAt' | 'updatedAt'>>;

interface DevisWithLinesRow {
  id: string;
  reference: string;
  title: string;
  status: DevisEntity['status'];
  company_name: string;
  company_siret: string | null;
  client_name: string;
  client_postcode: string | null;
  client_city: string | null;
  currency: 'EUR';
  total_ht_cents: number;
  total_tva_cents: number;
  total_ttc_cents: number;
  issue_date: string;
  valid_until: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  lines: DevisLineEntity[];
}

/** The only place that queries `devis` and `devis_lines`. */
@Injectable()
export class DevisRepository {
  constructor(@InjectRepository(DevisEntity) private readonly repo: Repository<DevisEntity>) {}

  findById(id: string, withLines = true): Promise<DevisEntity | null> {
    return withLines ? this.findWithLines('d.id = $1', id) : this.repo.findOne({ where: { id } });
  }

  findByReference(reference: string, withLines = true): Promise<DevisEntity | null> {
    if (withLines) return this.findWithLines('upper(d.reference) = upper($1)', reference);
    return this.repo
      .createQueryBuilder('d')
      .where('upper(d.reference) = upper(:reference)', { reference })
      .getOne();
  }

  /**
   * A devis and its lines in one round trip, the lines aggregated to JSON by PostgreSQL: GPTs
   * read quotes all the time, and hydrating an entity per line costs more than the query.
   * It goes to the driver's pg pool directly, without TypeORM's query runner (checkout, query
   * events, result wrapper): less CPU per read (`npm run bench`, gpt-devis).
   */
  private async findWithLines(condition: string, value: string): Promise<DevisEntity | null> {
    const { rows } = await pgPool(this.repo.manager).query<DevisWithLinesRow>(
      `SELECT d.id, d.reference, d.title, d.status, d.company_name, d.company_siret, d.client_name,
              d.client_postcode, d.client_city, d.currency,
              d.total_ht_cents::float8 AS total_ht_cents, d.total_tva_cents::float8 AS total_tva_cents,
              d.total_ttc_cents::float8 AS total_ttc_cents,
              to_char(d.issue_date, 'YYYY-MM-DD') AS issue_date,
              to_char(d.valid_until, 'YYYY-MM-DD') AS valid_until,
              d.metadata, d.created_at, d.updated_at,
              coalesce((SELECT json_agg(json_build_object(
                         'id', l.id, 'devisId', l.devis_id, 'position', l.position,
                         'description', l.description, 'category', l.category,
                         'quantity', l.quantity::float8, 'unit', l.unit,
                         'unitPriceHtCents', l.unit_price_ht_cents::float8, 'tvaRateBp', l.tva_rate_bp,
                         'totalHtCents', l.total_ht_cents::float8) ORDER BY l.position)
                  FROM devis_lines l WHERE l.devis_id = d.id), '[]'::json) AS lines
         FROM devis d WHERE ${condition}`,
      [value],
    );
    const r = rows[0];
    if (!r) return null;
    return Object.assign(new DevisEntity(), {
      id: r.id,
      reference: r.reference,
      title: r.title,
      status: r.status,
      companyName: r.company_name,
      companySiret: r.company_siret,
      clientName: r.client_name,
      clientPostcode: r.client_postcode,
      clientCity: r.client_city,
      currency: r.currency,
      totalHtCents: r.total_ht_cents,
      totalTvaCents: r.total_tva_cents,
      totalTtcCents: r.total_ttc_cents,
      issueDate: r.issue_date,
      validUntil: r.valid_until,
      metadata: r.metadata,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      lines: r.lines,
    });
  }

  search(s: DevisSearch): Promise<[DevisEntity[], number]> {
    const qb = this.repo.createQueryBuilder('d');
    if (s.reference)
      qb.andWhere('upper(d.reference) LIKE upper(:ref)', { ref: `${escapeLike(s.reference)}%` });
    if (s.company)
      qb.andWhere('lower(d.companyName) LIKE lower(:company)', {
        company: `%${escapeLike(s.company)}%`,
      });
    if (s.status) qb.andWhere('d.status = :status', { status: s.status });
    if (s.from) qb.andWhere('d.issueDate >= :from', { from: s.from });
    if (s.to) qb.andWhere('d.issueDate <= :to', { to: s.to });
    return qb
      .orderBy('d.issueDate', 'DESC')
      .addOrderBy('d.reference', 'ASC')
      .skip(s.offset)
      .take(s.limit)
      .getManyAndCount();
  }

  /** Saves a devis and, when given, replaces all its lines, in one transaction. */
  save(devis: DevisWrite, lines: DevisLineRow[] | undefined): Promise<string> {
    return this.repo.manager.transaction(async (m: EntityManager) => {
      let id = devis.id;
      // TypeORM's deep-partial type cannot express a jsonb Record<string, unknown> column.
      const row = devis as QueryDeepPartialEntity<DevisEntity>;
      if (id) await m.getRepository(DevisEntity).update({ id }, row);
      else
        id = ((await m.getRepository(DevisEntity).insert(row)).identifiers[0] as { id: string }).id;
      if (lines) {
        const devisId = id;
        await m.getRepository(DevisLineEntity).delete({ devisId });
        await m.getRepository(DevisLineEntity).insert(lines.map((l) => ({ ...l, devisId })));
      }
      return id;
    });
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }
}

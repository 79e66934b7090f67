import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DevisLineEntity } from './entities/devis-line.entity';
import { DevisEntity, DevisStatus } from './entities/devis.entity';

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

/** The only place that queries `devis` and `devis_lines`. */
@Injectable()
export class DevisRepository {
  constructor(@InjectRepository(DevisEntity) private readonly repo: Repository<DevisEntity>) {}

  /** One query (findOne with a relation would add a DISTINCT pre-query for its LIMIT). */
  findById(id: string, withLines = true): Promise<DevisEntity | null> {
    const qb = this.repo.createQueryBuilder('d').where('d.id = :id', { id });
    if (withLines) qb.leftJoinAndSelect('d.lines', 'l').orderBy('l.position', 'ASC');
    return qb.getOne();
  }

  findByReference(reference: string, withLines = true): Promise<DevisEntity | null> {
    const qb = this.repo
      .createQueryBuilder('d')
      .where('upper(d.reference) = upper(:reference)', { reference });
    if (withLines) qb.leftJoinAndSelect('d.lines', 'l').orderBy('l.position', 'ASC');
    return qb.getOne();
  }

  referenceTaken(reference: string, exceptId?: string): Promise<boolean> {
    const qb = this.repo
      .createQueryBuilder('d')
      .where('upper(d.reference) = upper(:reference)', { reference });
    if (exceptId) qb.andWhere('d.id <> :exceptId', { exceptId });
    return qb.getExists();
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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { isUniqueViolation } from '../database/kit/errors';
import { UsersService } from '../users/users.service';
import type {
  AddMemberDto,
  KindRefDto,
  Level,
  LevelListDto,
  LevelResponseDto,
  MemberListDto,
  SetKindsDto,
  UpdateLevelDto,
} from './dto/timesheet-hierarchy.dto';
import { TIMESHEET_RULES } from './timesheets.rules';
import { type LevelRow, TimesheetsRepository } from './timesheets.repository';

/** The name of each level in messages and 404s (`@UuidParam` uses the same). */
export const LEVEL_LABELS: Record<Level, string> = {
  customer: 'Customer',
  project: 'Project',
  phase: 'Phase',
  activity: 'Activity',
  kind: 'Kind',
};

/** The level each level sits under, and the create DTO's field naming it. */
const PARENT: Partial<
  Record<Level, { level: Level; field: 'customerId' | 'projectId' | 'phaseId' }>
> = {
  project: { level: 'customer', field: 'customerId' },
  phase: { level: 'project', field: 'projectId' },
  activity: { level: 'phase', field: 'phaseId' },
};

const WITH_KINDS = new Set<Level>(['project', 'activity']);

/**
 * What staff manage: customers → projects → phases → activities, the kinds of work and which
 * ones a project or activity allows, and who is assigned to which project. Input arrives
 * validated against its DTO; checked here: parents and kinds that exist, names unique per
 * parent, and that a level with booked time is archived rather than deleted.
 */
@Injectable()
export class TimesheetsHierarchyService {
  constructor(
    private readonly repo: TimesheetsRepository,
    private readonly users: UsersService,
  ) {}

  async create(
    level: Level,
    dto: {
      name: string;
      customerId?: string;
      projectId?: string;
      phaseId?: string;
      kindIds?: string[];
    },
  ): Promise<LevelResponseDto> {
    const parent = PARENT[level];
    const parentId = parent ? (dto[parent.field] ?? null) : null;
    if (parent) await this.existing(parent.level, parentId ?? '');
    if (dto.kindIds) await this.checkKinds(level, parentId, dto.kindIds);
    let row: LevelRow;
    try {
      row = await this.repo.insertLevel(level, dto.name, parentId);
    } catch (err) {
      throw this.nameTaken(err, level, dto.name);
    }
    if (dto.kindIds?.length) await this.repo.setKinds(level as 'project', row.id, dto.kindIds);
    return this.response(level, row);
  }

  async list(
    level: Level,
    q: { parentId?: string; search?: string; includeArchived?: boolean },
  ): Promise<LevelListDto> {
    const rows = await this.repo.listLevels(level, { ...q, limit: TIMESHEET_RULES.listLimit });
    const kinds = WITH_KINDS.has(level)
      ? await this.repo.listedKinds(
          level as 'project',
          rows.map((r) => r.id),
        )
      : new Map<string, KindRefDto[]>();
    return { items: rows.map((row) => this.toDto(level, row, kinds)) };
  }

  async get(level: Level, id: string): Promise<LevelResponseDto> {
    return this.response(level, await this.existing(level, id));
  }

  async update(level: Level, id: string, dto: UpdateLevelDto): Promise<LevelResponseDto> {
    let row: LevelRow | null;
    try {
      row = await this.repo.updateLevel(level, id, dto);
    } catch (err) {
      throw this.nameTaken(err, level, dto.name ?? '');
    }
    if (!row) throw DomainException.notFound(LEVEL_LABELS[level]);
    return this.response(level, row);
  }

  /** Deletes a level without booked time (and what is under it); with time: archive it. */
  async remove(level: Level, id: string): Promise<void> {
    const booked = await this.repo.bookedEntryCount(level, id);
    const outcome = booked ? 'booked' : await this.repo.deleteLevel(level, id);
    if (outcome === 'missing') throw DomainException.notFound(LEVEL_LABELS[level]);
    if (outcome === 'booked') {
      const what = LEVEL_LABELS[level].toLowerCase();
      throw new DomainException(
        'CONFLICT',
        `Time is booked on this ${what}${booked ? ` (${booked} entries)` : ''}: archive it instead (PATCH {"archived": true}); its entries are kept`,
      );
    }
  }

  async setKinds(
    level: 'project' | 'activity',
    id: string,
    dto: SetKindsDto,
  ): Promise<LevelResponseDto> {
    const row = await this.existing(level, id);
    const kindIds = [...new Set(dto.kindIds)];
    await this.checkKinds(level, row.parentId, kindIds);
    await this.repo.setKinds(level, id, kindIds);
    return this.response(level, row);
  }

  async addMember(projectId: string, dto: AddMemberDto): Promise<MemberListDto> {
    await this.existing('project', projectId);
    if (!(await this.users.findById(dto.userId))) throw DomainException.notFound('User');
    await this.repo.addMember(projectId, dto.userId);
    return this.members(projectId);
  }

  async removeMember(projectId: string, userId: string): Promise<MemberListDto> {
    await this.existing('project', projectId);
    if (!(await this.repo.removeMember(projectId, userId))) {
      throw DomainException.notFound('Member');
    }
    return this.members(projectId);
  }

  async members(projectId: string): Promise<MemberListDto> {
    await this.existing('project', projectId);
    const members = await this.repo.members(projectId);
    const items = [];
    for (const { userId, since } of members) {
      const user = await this.users.findById(userId);
      if (user) items.push({ userId, name: user.name, email: user.email, since });
    }
    return { projectId, items };
  }

  private async existing(level: Level, id: string): Promise<LevelRow> {
    const row = await this.repo.findLevel(level, id);
    if (!row) throw DomainException.notFound(LEVEL_LABELS[level]);
    return row;
  }

  /**
   * Kinds that exist; for an activity (under `phaseId`), also among its project's kinds when
   * the project lists some: an activity narrows its project's kinds, never widens them.
   */
  private async checkKinds(level: Level, parentId: string | null, kindIds: string[]) {
    if (!WITH_KINDS.has(level)) return;
    const known = await this.repo.existingKindIds(kindIds);
    const unknown = kindIds.filter((id) => !known.has(id));
    if (unknown.length) {
      throw DomainException.invalidField('kindIds', `Unknown kinds: ${unknown.join(', ')}`);
    }
    if (level !== 'activity' || !parentId) return;
    const phase = await this.existing('phase', parentId);
    const projectKinds = (await this.repo.listedKinds('project', [phase.parentId!])).get(
      phase.parentId!,
    );
    if (!projectKinds) return;
    const allowed = new Set(projectKinds.map((k) => k.id));
    const outside = kindIds.filter((id) => !allowed.has(id));
    if (outside.length) {
      throw DomainException.invalidField(
        'kindIds',
        `Not allowed on the project (${projectKinds.map((k) => k.name).join(', ')}): ${outside.join(', ')}`,
      );
    }
  }

  private nameTaken(err: unknown, level: Level, name: string): unknown {
    if (!isUniqueViolation(err)) return err;
    const parent = PARENT[level]?.level;
    const where = parent ? ` in this ${parent}` : '';
    return new DomainException(
      'CONFLICT',
      `A ${LEVEL_LABELS[level].toLowerCase()} named "${name}" already exists${where} (case and accents ignored)`,
    );
  }

  private async response(level: Level, row: LevelRow): Promise<LevelResponseDto> {
    const kinds = WITH_KINDS.has(level)
      ? await this.repo.listedKinds(level as 'project', [row.id])
      : new Map<string, KindRefDto[]>();
    return this.toDto(level, row, kinds);
  }

  private toDto(level: Level, row: LevelRow, kinds: Map<string, KindRefDto[]>): LevelResponseDto {
    return {
      id: row.id,
      level,
      name: row.name,
      parentId: row.parentId,
      archived: row.archived,
      ...(WITH_KINDS.has(level) ? { kinds: kinds.get(row.id) ?? [] } : {}),
      createdAt: row.createdAt,
    };
  }
}

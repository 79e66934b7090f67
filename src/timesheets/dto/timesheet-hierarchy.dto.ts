import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { NameField, QueryBoolean, SearchField } from './timesheet-fields';

/** The levels staff manage, as the API names them. */
export const LEVELS = ['customer', 'project', 'phase', 'activity', 'kind'] as const;
export type Level = (typeof LEVELS)[number];

export class CreateCustomerDto {
  @NameField('Dupont SARL')
  name: string;
}

export class CreateProjectDto {
  @ApiProperty({ format: 'uuid', description: 'The customer it is for' })
  @IsUUID()
  customerId: string;

  @NameField('Site web')
  name: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'The kinds of work allowed on it; none: every kind',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  kindIds?: string[];
}

export class CreatePhaseDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;

  @NameField('Conception')
  name: string;
}

export class CreateActivityDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  phaseId: string;

  @NameField('Maquettes')
  name: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "The kinds allowed on it, among its project's; none: the project's",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  kindIds?: string[];
}

export class CreateKindDto {
  @NameField('Développement')
  name: string;
}

/** Rename or archive any level (archived: hidden from people, no new time, entries kept). */
export class UpdateLevelDto {
  @NameField('Site web (refonte)', false)
  name?: string;

  @ApiPropertyOptional({ description: 'true archives it, false brings it back' })
  @IsOptional()
  @IsBoolean()
  archived?: boolean;
}

export class SetKindsDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'The whole list; [] allows all' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  kindIds: string[];
}

export class AddMemberDto {
  @ApiProperty({ format: 'uuid', description: 'The person to assign' })
  @IsUUID()
  userId: string;
}

export class ListLevelQueryDto {
  @SearchField('dupont')
  search?: string;

  @QueryBoolean('Include archived ones (default false)')
  includeArchived?: boolean;
}

export class ListProjectsQueryDto extends ListLevelQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class ListPhasesQueryDto extends ListLevelQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;
}

export class ListActivitiesQueryDto extends ListLevelQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  phaseId: string;
}

export class KindRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Développement' })
  name: string;
}

/** One level as staff see it; `parentId` is the customer, project or phase above it. */
export class LevelResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: LEVELS })
  level: Level;

  @ApiProperty({ example: 'Site web' })
  name: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  parentId: string | null;

  @ApiProperty()
  archived: boolean;

  @ApiPropertyOptional({
    type: [KindRefDto],
    description: 'Projects and activities: the kinds listed on it ([]: no restriction)',
  })
  kinds?: KindRefDto[];

  @ApiProperty()
  createdAt: Date;
}

export class LevelListDto {
  @ApiProperty({ type: [LevelResponseDto] })
  items: LevelResponseDto[];
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ example: 'Alice Martin' })
  name: string;

  @ApiProperty({ example: 'alice@example.fr' })
  email: string;

  @ApiProperty()
  since: Date;
}

export class MemberListDto {
  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ type: [MemberDto] })
  items: MemberDto[];
}

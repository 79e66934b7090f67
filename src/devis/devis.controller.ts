import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { DevisService } from './devis.service';
import { CreateDevisDto, ListDevisQueryDto, UpdateDevisDto } from './dto/devis.dto';
import { DevisPageDto, DevisResponseDto, DevisSummaryDto } from './dto/devis-response.dto';

const DevisParam = () => ApiParam({ name: 'id', description: 'Devis id (uuid) or reference' });

@ApiTags('devis')
@Auth('staff')
@Controller('api/devis')
export class DevisController {
  constructor(private readonly devis: DevisService) {}

  @Post()
  @ApiOperation({ summary: 'Create a devis with its lines (totals computed and checked)' })
  @ApiCreatedResponse({ type: DevisResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Reference already used' })
  async create(@Body() dto: CreateDevisDto): Promise<DevisResponseDto> {
    return DevisResponseDto.from(await this.devis.create(dto));
  }

  @Get()
  @ApiOperation({ summary: 'Search devis by reference, company, status and issue date; paginated' })
  @ApiOkResponse({ type: DevisPageDto })
  async list(@Query() query: ListDevisQueryDto): Promise<DevisPageDto> {
    const page = await this.devis.list(query);
    return { ...page, items: page.items.map(DevisSummaryDto.from) };
  }

  @Get(':id')
  @DevisParam()
  @ApiOperation({ summary: 'One devis with its lines' })
  @ApiOkResponse({ type: DevisResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<DevisResponseDto> {
    return DevisResponseDto.from(await this.devis.get(id));
  }

  @Patch(':id')
  @DevisParam()
  @ApiOperation({ summary: 'Change a devis; `lines` replaces all lines' })
  @ApiOkResponse({ type: DevisResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@Param('id') id: string, @Body() dto: UpdateDevisDto): Promise<DevisResponseDto> {
    return DevisResponseDto.from(await this.devis.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @DevisParam()
  @ApiOperation({ summary: 'Delete a devis with its lines and analyses' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async remove(@Param('id') id: string): Promise<void> {
    await this.devis.remove(id);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevisController } from './devis.controller';
import { DevisRepository } from './devis.repository';
import { DevisService } from './devis.service';
import { DevisLineEntity } from './entities/devis-line.entity';
import { DevisEntity } from './entities/devis.entity';

@Module({
  imports: [TypeOrmModule.forFeature([DevisEntity, DevisLineEntity])],
  controllers: [DevisController],
  providers: [DevisService, DevisRepository],
  exports: [DevisService],
})
export class DevisModule {}

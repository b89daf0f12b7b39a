import { Module } from '@nestjs/common';
import { Database } from '@nexus/shared-database';
import { HealthController } from './health.controller';

@Module({
  controllers: [HealthController],
  providers: [{ provide: Database, useValue: new Database([{ id: '1', name: 'Ada' }]) }],
})
export class AppModule {}

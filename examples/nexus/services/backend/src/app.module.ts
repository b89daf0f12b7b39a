import { Module } from '@nestjs/common';
import { Database } from '@nexus/shared-database';
import { HealthController } from './health.controller';
import { PlatformController } from './platform.controller';

@Module({
  controllers: [HealthController, PlatformController],
  providers: [{ provide: Database, useValue: new Database([{ id: '1', name: 'Ada' }]) }],
})
export class AppModule {}

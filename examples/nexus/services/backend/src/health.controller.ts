import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Database } from '@nexus/shared-database';
import { health } from '@nexus/shared-utils';
import { models } from './generated/schema';

@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get('live')
  live() {
    return health('backend');
  }

  @Get('ready')
  ready() {
    if (!this.db.ready()) throw new ServiceUnavailableException();
    return { ...health('backend'), models };
  }
}

import type { HealthStatus } from '@nexus/shared-types';

export const dynamic = 'force-dynamic';

export function GET() {
  const body: HealthStatus = { status: 'ok', service: 'frontend', uptimeSeconds: Math.round(process.uptime()) };
  return Response.json(body);
}

import type { HealthStatus } from '@nexus/shared-types';

export function statusBadge(s: HealthStatus): string {
  return `${s.service}: ${s.status}`;
}

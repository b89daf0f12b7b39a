import type { HealthStatus } from '@nexus/shared-types';

const startedAt = Date.now();

export function health(service: string): HealthStatus {
  return { status: 'ok', service, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
}

export function greet(name: string): string {
  return `Hello, ${name}`;
}

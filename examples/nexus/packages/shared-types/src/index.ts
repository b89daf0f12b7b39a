export interface HealthStatus {
  status: 'ok' | 'degraded';
  service: string;
  uptimeSeconds: number;
}

export interface User {
  id: string;
  name: string;
}

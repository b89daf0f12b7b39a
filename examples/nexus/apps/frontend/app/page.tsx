import { statusBadge } from '@nexus/ui';

export default function Home() {
  return <main>{statusBadge({ status: 'ok', service: 'frontend', uptimeSeconds: 0 })}</main>;
}

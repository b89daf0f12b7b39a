import { greeting } from "@nx/greeting";

export const dynamic = "force-dynamic";

// NEXT_PUBLIC_SITE_NAME is a build argument: Next.js inlines it at build time,
// and the image does not set it.
export function GET() {
  return Response.json({ status: "ok", site: process.env.NEXT_PUBLIC_SITE_NAME, greeting: greeting("the health route") });
}

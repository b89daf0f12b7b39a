// No output setting: monokit builds standalone output anyway. The workspace
// package exports TypeScript source, which Next.js compiles. Like apps that
// validate their environment at build time, this one needs a build-env value.
if (!process.env.SKIP_ENV_VALIDATION) {
  throw new Error("SKIP_ENV_VALIDATION is not set");
}

/** @type {import('next').NextConfig} */
export default {
  transpilePackages: ["@nx/greeting"],
};

// Standalone only when an environment variable asks for it, as some apps do
// for their own Dockerfile; monokit's build does not set it.
/** @type {import('next').NextConfig} */
export default {
  output: process.env.BUILD_STANDALONE === "true" ? "standalone" : undefined,
};

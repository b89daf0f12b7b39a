// The generated client lives in ./generated (git-ignored), written by
// `prisma generate`; nothing here is built.
const { PrismaClient } = require("./generated/client");
const { PrismaPg } = require("@prisma/adapter-pg");

exports.createClient = (connectionString) => new PrismaClient({ adapter: new PrismaPg({ connectionString }) });

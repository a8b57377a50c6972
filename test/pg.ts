// A PostgreSQL database of its own for a test file, on the server TEST_DATABASE_URL names (.ci/run starts one and
// sets it). Without it the PostgreSQL tests are skipped with a notice; with REQUIRE_DATABASE=1 (as in CI) its
// absence fails them instead, so that CI never passes without having run them.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

if (!TEST_DATABASE_URL) {
  if (process.env.REQUIRE_DATABASE === "1") throw new Error("REQUIRE_DATABASE=1 but TEST_DATABASE_URL is not set");
  console.warn("TEST_DATABASE_URL is not set: the PostgreSQL tests are skipped (bash .ci/run starts a server)");
}

/** Creates an empty database (with pgvector) for the caller; returns its URL and a function that drops it. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `duikou_t_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

// Creates or drops a scratch database on the PostgreSQL server named by a URL, leaving others alone.
// usage: node scripts/pg-db.mjs recreate|drop <server-url> <database-name>
import postgres from "postgres";

const [command, serverUrl, name] = process.argv.slice(2);
if (!command || !serverUrl || !name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/pg-db.mjs recreate|drop <server-url> <database_name>");
  process.exit(2);
}
const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
try {
  await sql.unsafe(`drop database if exists "${name}" with (force)`);
  if (command === "recreate") await sql.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.stdout.write(url.toString());
} finally {
  await sql.end();
}

import type { DatabaseConfig } from '../../config';

/** Where the database is, for people: never the URL's user name or password. */
export function describeDatabase(db: DatabaseConfig): string {
  if (db.kind === 'embedded') {
    return db.dir.startsWith('memory://')
      ? 'embedded PostgreSQL (PGlite) in memory'
      : `embedded PostgreSQL (PGlite) in ${db.dir}`;
  }
  try {
    const url = new URL(db.url);
    const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL ${url.hostname}:${url.port || '5432'}/${name}${db.ssl ? ' (TLS)' : ''}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** The few lines printed once the server listens: where each surface is, and the database. */
export function startupLines(appUrl: string, db: DatabaseConfig): string[] {
  const rows: [string, string][] = [
    ['API docs (Swagger)', `${appUrl}/docs`],
    ['back-office', `${appUrl}/admin`],
    ['support chat', `${appUrl}/support/chat`],
    ['MCP server', `${appUrl}/mcp`],
    ['GPT Action schema', `${appUrl}/api/gpt/openapi`],
    ['database', describeDatabase(db)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Passerelle listening on ${appUrl} (docs at ${appUrl}/docs)`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ];
}

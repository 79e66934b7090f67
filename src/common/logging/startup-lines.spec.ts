import { describeDatabase, startupLines } from './startup-lines';

describe(startupLines.name, () => {
  it('says where each surface is and which database, in a few lines', () => {
    const lines = startupLines('http://localhost:3000', {
      kind: 'embedded',
      dir: '/srv/passerelle/data/pglite',
      poolSize: 5,
      migrationsRun: true,
    });
    expect(lines[0]).toBe(
      'Passerelle listening on http://localhost:3000 (docs at http://localhost:3000/docs)',
    );
    const text = lines.join('\n');
    for (const path of ['/docs', '/admin', '/support/chat', '/mcp', '/api/gpt/openapi']) {
      expect(text).toContain(`http://localhost:3000${path}`);
    }
    expect(text).toContain('embedded PostgreSQL (PGlite) in /srv/passerelle/data/pglite');
    expect(lines.length).toBeLessThanOrEqual(8);
  });
});

describe(describeDatabase.name, () => {
  const postgres = (url: string, ssl = false) =>
    describeDatabase({ kind: 'postgres', url, poolSize: 10, ssl, migrationsRun: true });

  it('names host, port and database of PostgreSQL, never the user or password', () => {
    const text = postgres(
      'postgres://app:s3cr%40t@db.internal:6543/passerelle?sslmode=require',
      true,
    );
    expect(text).toBe('PostgreSQL db.internal:6543/passerelle (TLS)');
    expect(text).not.toMatch(/app|s3cr/);
    expect(postgres('postgresql://postgres@127.0.0.1/postgres')).toBe(
      'PostgreSQL 127.0.0.1:5432/postgres',
    );
    expect(postgres('postgres://u:p@[bad')).toBe('PostgreSQL (DATABASE_URL)');
  });

  it('says when the embedded database is in memory', () => {
    expect(
      describeDatabase({ kind: 'embedded', dir: 'memory://', poolSize: 5, migrationsRun: true }),
    ).toBe('embedded PostgreSQL (PGlite) in memory');
  });
});

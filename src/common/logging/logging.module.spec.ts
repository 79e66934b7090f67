import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS, withLazyChildren } from './logging.module';

describe(withLazyChildren.name, () => {
  function setup(level: string) {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    let serialized = 0;
    const root = pino(
      {
        level,
        redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
        serializers: {
          req: (req: { id: string; headers: Record<string, string> }) => {
            serialized += 1;
            return { id: req.id, headers: { ...req.headers } };
          },
        },
      },
      stream,
    );
    return { sut: withLazyChildren(root), lines, serialized: () => serialized };
  }

  const req = { id: 'req-12345678', headers: { authorization: 'Bearer secret-key-value' } };

  it('serializes nothing for lines below the level', () => {
    const { sut, lines, serialized } = setup('warn');
    const child = sut.child({ req });
    child.info({ res: { statusCode: 200 } }, 'request completed');
    child.debug('detail');
    expect(lines).toEqual([]);
    expect(serialized()).toBe(0);
  });

  it('writes enabled lines with the bindings, redacted, serializing them once', () => {
    const { sut, lines, serialized } = setup('info');
    const child = sut.child({ req });
    child.warn({ context: 'Test' }, 'first');
    child.info('second');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.req).toEqual({ id: req.id, headers: { authorization: '[Redacted]' } });
    }
    expect(lines.map((l) => l.msg)).toEqual(['first', 'second']);
    expect(JSON.stringify(lines)).not.toContain('secret-key-value');
    expect(serialized()).toBe(1);
  });

  it('keeps the bindings of children of a lazy child', () => {
    const { sut, lines } = setup('info');
    sut.child({ req }).child({ context: 'Inner' }).error('failed');
    expect(lines[0]).toMatchObject({ req: { id: req.id }, context: 'Inner', msg: 'failed' });
  });
});

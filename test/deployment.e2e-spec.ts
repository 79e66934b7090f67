import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './support/paths';

/**
 * No Docker engine or cluster runs here: the deployment files are checked by reading them.
 * Each check is something a deploy depends on (probes on the right paths, non-root, the
 * migration command, TLS), and every variable they set must be one the app reads.
 */

const DOCKER = join(ROOT, 'docker');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/**
 * The production command, `npm start`: the Dockerfile, compose and Kubernetes run exactly it
 * (node flags included), so what is measured and tested locally is what is deployed.
 */
const START = (
  JSON.parse(read('package.json')) as { scripts: { start: string } }
).scripts.start.split(' ');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Variables the app's configuration reads (src/config/*.ts `*Env` classes, process.env reads). */
function appVariables(): Set<string> {
  const vars = new Set<string>();
  const configDir = join(ROOT, 'src', 'config');
  for (const file of readdirSync(configDir).filter((f) => f.endsWith('.config.ts'))) {
    const source = readFileSync(join(configDir, file), 'utf8');
    // The validated variables: properties of the classes validateEnv() checks.
    for (const cls of source.matchAll(/class \w+Env \{([\s\S]*?)\n\}/g)) {
      for (const m of cls[1].matchAll(/^\s+([A-Z][A-Z0-9_]*)\?:/gm)) vars.add(m[1]);
    }
  }
  for (const file of filesUnder(join(ROOT, 'src')).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
  )) {
    for (const m of readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) {
      if (m[1] !== 'PATH') vars.add(m[1]);
    }
  }
  return vars;
}

const APP_VARS = appVariables();

function expectAppVariables(names: string[], where: string) {
  const unknown = names.filter((n) => !APP_VARS.has(n));
  expect({ where, unknown }).toEqual({ where, unknown: [] });
}

function loadK8s(): Map<string, Obj> {
  const byKind = new Map<string, Obj>();
  for (const file of filesUnder(join(DOCKER, 'k8s')).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const obj = doc.toJS() as Obj | null;
      if (obj?.kind) byKind.set(obj.kind, obj);
    }
  }
  return byKind;
}

describe('deployment files (docker/)', () => {
  it('parses every YAML file without error', () => {
    const files = filesUnder(DOCKER).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
      for (const doc of docs)
        expect([relative(ROOT, file), doc.errors]).toEqual([relative(ROOT, file), []]);
    }
  });

  it('knows the variables the app reads (sanity check of the parser)', () => {
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'ENCRYPTION_KEY',
      'SHUTDOWN_GRACE_MS',
      'OPENAI_BASE_URL',
      'LLM_DEFAULT_MODEL_MOCK',
      'OLD_ENCRYPTION_KEY',
      'ADMIN_COOKIE_SECRET',
    ]) {
      expect(APP_VARS).toContain(name);
    }
    expect(APP_VARS).not.toContain('POSTGRES_PASSWORD');
  });

  describe('Dockerfile', () => {
    const dockerfile = read('docker/Dockerfile');
    const instructions = dockerfile
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const final = stages[stages.length - 1];

    it('is multi-stage, with production dependencies only in the final stage', () => {
      const froms = instructions.filter((l) => l.startsWith('FROM '));
      expect(froms.length).toBeGreaterThanOrEqual(2);
      expect(froms.every((l) => / AS \w+/i.test(l))).toBe(true);
      expect(final).toMatch(/npm ci --omit=dev/);
      expect(final).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
      // `npm run build`: nest build, then AdminJS pre-linked into dist/admin-vendor.cjs.
      expect(stages[0]).toMatch(/COPY scripts\/build-admin-vendor\.js /);
      expect(stages[0]).toMatch(/RUN npm run build/);
    });

    it('runs as a non-root user, checks /health/live with node, starts the server', () => {
      const users = instructions.filter((l) => l.startsWith('USER '));
      expect(users.length).toBeGreaterThan(0);
      expect(users[users.length - 1]).not.toMatch(/^USER (root|0)(:|$)/);
      const health = instructions.find((l) => l.startsWith('HEALTHCHECK '));
      expect(health).toMatch(/CMD \["node", "-e", .*\/health\/live/);
      expect(instructions[instructions.length - 1]).toBe(
        `CMD [${START.map((arg) => JSON.stringify(arg)).join(', ')}]`,
      );
    });

    it('builds the AdminJS bundle into ADMIN_JS_TMP_DIR at image build', () => {
      expect(final).toMatch(/ADMIN_JS_TMP_DIR=\/app\/admin-bundle/);
      expect(final).toMatch(/RUN node docker\/build-admin-bundle\.js/);
      expect(APP_VARS).toContain('ADMIN_JS_TMP_DIR');
    });

    it('copies only files that exist and that .dockerignore lets through', () => {
      const ignored = read('.dockerignore')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      for (const line of instructions.filter(
        (l) => l.startsWith('COPY ') && !l.includes('--from'),
      )) {
        const sources = line.split(/\s+/).slice(1, -1);
        for (const src of sources) {
          expect([src, existsSync(join(ROOT, src))]).toEqual([src, true]);
          expect(
            ignored.filter((p) => src === p || src.startsWith(p.replace(/\/?\*\*?$/, '') + '/')),
          ).toEqual([]);
        }
      }
      for (const p of ['node_modules', 'dist', '.git', '.env', 'data'])
        expect(ignored).toContain(p);
    });

    it('runs migrations as a separate command, the one package.json uses', () => {
      const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
      expect(pkg.scripts['db:migrate']).toBe('node scripts/cli.js db:migrate');
      expect(read('scripts/cli.js')).toContain("join(root, 'dist', 'src', 'cli', 'main.js')");
      expect(START[0]).toBe('node');
      expect(START[START.length - 1]).toBe('dist/src/main.js');
    });
  });

  describe('compose.yaml', () => {
    const compose = parse(read('docker/compose.yaml'), { merge: true }) as Obj;
    const services = compose.services as Record<string, Obj>;

    it('runs the app, a one-shot migration, PostgreSQL 15, Redis and a proxy', () => {
      expect(Object.keys(services).sort()).toEqual([
        'app',
        'migrate',
        'postgres',
        'proxy',
        'redis',
      ]);
      expect(services.postgres.image).toBe('postgres:15');
      expect(services.redis.image).toMatch(/^redis:7/);
      expect(services.migrate.command).toEqual(['node', 'dist/src/cli/main.js', 'db:migrate']);
      expect(services.migrate.restart).toBe('no');
      expect(services.app.command).toEqual(START);
      for (const name of ['app', 'migrate']) {
        expect(services[name].env_file).toBe('.env');
        expect(services[name].build.dockerfile).toBe('docker/Dockerfile');
        expect(services[name].environment.MIGRATIONS_RUN).toBe('false');
      }
    });

    it('keeps data in volumes and checks every long-running service', () => {
      expect(services.postgres.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
      expect(services.redis.volumes).toEqual(['redisdata:/data']);
      expect(Object.keys(compose.volumes as Obj).sort()).toEqual(['pgdata', 'redisdata']);
      expect(services.postgres.healthcheck.test.join(' ')).toMatch(/pg_isready/);
      expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
      expect(services.app.healthcheck.test.join(' ')).toMatch(/node -e .*\/health\/live/);
      expect(services.proxy.healthcheck.test.join(' ')).toMatch(/nginx-health/);
    });

    it('starts the app once the database and Redis are healthy and migrations are done', () => {
      expect(services.app.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(services.proxy.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    });

    it('can scale the app: no published app port, shared Redis, nginx over every replica', () => {
      expect(services.app.ports).toBeUndefined();
      expect(services.proxy.ports).toHaveLength(1);
      expect(services.app.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(services.app.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      const nginx = read('docker/nginx.conf');
      expect(nginx).toMatch(/resolver 127\.0\.0\.11/);
      expect(nginx).toMatch(/set \$app http:\/\/app:3000;\s+proxy_pass \$app;/);
      expect(nginx).toMatch(/proxy_buffering off/);
      expect(read('docs/DEPLOYMENT.md')).toContain(
        'docker compose -f docker/compose.yaml up -d --scale app=2',
      );
    });

    it('gives the app more time to stop than its shutdown grace period', () => {
      const seconds = Number(/^(\d+)s$/.exec(services.app.stop_grace_period as string)?.[1]);
      expect(seconds * 1000).toBeGreaterThan(10_000 + 5_000);
    });

    it('sets only variables the app reads', () => {
      for (const name of ['app', 'migrate']) {
        expectAppVariables(Object.keys(services[name].environment as Obj), `compose ${name}`);
      }
    });
  });

  describe('Kubernetes (docker/k8s)', () => {
    const k8s = loadK8s();
    const deployment = k8s.get('Deployment')!;
    const pod = deployment.spec.template.spec as Obj;
    const container = pod.containers[0] as Obj;
    const config = k8s.get('ConfigMap')!.data as Record<string, string>;

    it('runs the production command', () => {
      expect(container.command).toEqual(START);
    });

    it('probes readiness on /health/ready and liveness on /health/live, on the app port', () => {
      const port = container.ports.find((p: Obj) => p.name === 'http');
      expect(port.containerPort).toBe(Number(config.PORT ?? 3000));
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
    });

    it('stops within terminationGracePeriodSeconds: preStop delay + SHUTDOWN_GRACE_MS + flush', () => {
      const preStop = container.lifecycle.preStop.exec.command as string[];
      expect(preStop[0]).toBe('sleep');
      const preStopMs = Number(preStop[1]) * 1000;
      expect(preStopMs).toBeGreaterThanOrEqual(3_000);
      const graceMs = Number(config.SHUTDOWN_GRACE_MS ?? 10_000);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(
        preStopMs + graceMs + 5_000,
      );
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    });

    it('runs non-root on a read-only root filesystem, with resources set', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts.find((m: Obj) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: Obj) => v.name === tmp.name).emptyDir).toBeDefined();
      expect(container.resources.requests).toMatchObject({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
      expect(container.resources.limits.memory).toBeDefined();
      // Dockerfile's USER is the same numeric user.
      expect(read('docker/Dockerfile')).toMatch(/^USER 1000:1000$/m);
    });

    it('routes Service → pods and Ingress → Service, with TLS from cert-manager', () => {
      const service = k8s.get('Service')!;
      expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
      expect(service.spec.ports[0].targetPort).toBe('http');
      const ingress = k8s.get('Ingress')!;
      expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBeTruthy();
      const tls = ingress.spec.tls[0];
      expect(tls.secretName).toBeTruthy();
      expect(tls.hosts).toContain(ingress.spec.rules[0].host);
      const backend = ingress.spec.rules[0].http.paths[0].backend.service;
      expect(backend).toEqual({ name: service.metadata.name, port: { name: 'http' } });
      expect(config.APP_URL).toBe(`https://${ingress.spec.rules[0].host}`);
    });

    it('autoscales the Deployment (autoscaling/v2) from two replicas, which needs Redis', () => {
      const hpa = k8s.get('HorizontalPodAutoscaler')!;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: deployment.metadata.name,
      });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      expect(k8s.get('Secret')!.stringData.REDIS_URL).toMatch(/^rediss?:\/\//);
    });

    it('migrates with a Job running the same image and configuration', () => {
      const job = k8s.get('Job')!;
      const migrate = job.spec.template.spec.containers[0] as Obj;
      expect(migrate.image).toBe(container.image);
      expect(migrate.command).toEqual(['node', 'dist/src/cli/main.js', 'db:migrate']);
      expect(migrate.envFrom).toEqual(container.envFrom);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(config.MIGRATIONS_RUN).toBe('false');
    });

    it('takes configuration from the ConfigMap and Secret, with placeholders only', () => {
      const secret = k8s.get('Secret')!;
      expect(container.envFrom).toEqual([
        { configMapRef: { name: k8s.get('ConfigMap')!.metadata.name } },
        { secretRef: { name: secret.metadata.name } },
      ]);
      for (const [name, value] of Object.entries(secret.stringData as Record<string, string>)) {
        if (name !== 'ADMIN_EMAIL')
          expect([name, value]).toEqual([name, expect.stringContaining('CHANGE_ME')]);
      }
      expect(Object.keys(config)).not.toEqual(expect.arrayContaining(['ENCRYPTION_KEY']));
      expectAppVariables(Object.keys(config), 'ConfigMap');
      expectAppVariables(Object.keys(secret.stringData as Obj), 'Secret');
      for (const c of [container, k8s.get('Job')!.spec.template.spec.containers[0]]) {
        expectAppVariables(
          ((c.env ?? []) as Obj[]).map((e) => e.name as string),
          'container env',
        );
      }
    });

    it('lists in kustomization.yaml every manifest but the example Secret and the Job', () => {
      const kustomization = k8s.get('Kustomization')!;
      const listed = (kustomization.resources as string[]).sort();
      const present = readdirSync(join(DOCKER, 'k8s'))
        .filter(
          (f) =>
            f.endsWith('.yaml') &&
            !['kustomization.yaml', 'secret.example.yaml', 'migrate-job.yaml'].includes(f),
        )
        .sort();
      expect(listed).toEqual(present);
      expect(kustomization.images[0].name).toBe(container.image.split(':')[0]);
    });
  });

  it('documents only variables the app reads, and every one of them (.env.example, DEPLOYMENT.md)', () => {
    const example = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(
      (m) => m[1],
    );
    expect(example.length).toBeGreaterThan(20);
    expectAppVariables(example, '.env.example');
    const doc = read('docs/DEPLOYMENT.md');
    // Names in the first cell of table rows (a row may group several: `A` / `B`).
    const table = [...doc.matchAll(/^\| (`[^|]+)\|/gm)].flatMap((row) =>
      [...row[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]),
    );
    expectAppVariables(table, 'docs/DEPLOYMENT.md');
    const undocumented = [...APP_VARS].filter((v) => !table.includes(v));
    expect(undocumented).toEqual([]);
  });
});

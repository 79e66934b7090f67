import type { Application, Request, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PasserelleExpressAdapter } from './express-adapter';

type ExpressApp = Application & { request: object; response: object };

describe(PasserelleExpressAdapter.name, () => {
  let sut: PasserelleExpressAdapter;
  let server: Server;
  let baseUrl: string;
  /** Prototypes of each request and response as node:http made them, before Express ran. */
  const born: { req: object | null; res: object | null }[] = [];

  beforeEach(async () => {
    born.length = 0;
    sut = new PasserelleExpressAdapter();
    const app = sut.getInstance<ExpressApp>();
    app.get('/x/:id', (req: Request, res: Response) => {
      res.json({ id: req.params.id, sameApp: req.app === app, ip: typeof req.ip });
    });
    sut.initHttpServer({});
    server = sut.getHttpServer() as Server;
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      born.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("creates requests and responses that already have the app's prototypes", async () => {
    const app = sut.getInstance<ExpressApp>();
    await (await fetch(`${baseUrl}/x/1`)).text();
    await (await fetch(`${baseUrl}/x/2`)).text();
    expect(born).toHaveLength(2);
    for (const b of born) {
      expect(b.req).toBe(app.request);
      expect(b.res).toBe(app.response);
    }
  });

  it("keeps Express's request and response API", async () => {
    const res = await fetch(`${baseUrl}/x/42`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: '42', sameApp: true, ip: 'string' });
    expect((await fetch(`${baseUrl}/nowhere`)).status).toBe(404);
  });
});

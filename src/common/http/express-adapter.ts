import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Application } from 'express';
import { createServer, IncomingMessage, ServerResponse, type ServerOptions } from 'node:http';

/**
 * Nest's Express adapter, with an HTTP server whose requests and responses are born with the
 * Express app's prototypes.
 *
 * Express 5 gives every request and response the app's `request` / `response` prototypes with
 * `Object.setPrototypeOf` (`app.handle` in express/lib/application.js). On V8 an object whose
 * prototype was swapped after construction, and what it references, survives young-generation
 * collections: every request's objects were promoted to the old generation (2–4 MB per
 * scavenge at 500 req/s, against ~20 KB for the same route on plain node:http), which made
 * scavenges 3–4× longer and brought a full mark-compact every ~13 s — the server's GC time and
 * the chat polling tail of `npm run bench`. Known upstream: expressjs/express#5998.
 *
 * Here node:http constructs them from subclasses whose prototypes ARE the app's (the app's
 * `request` / `response` become those subclasses' prototypes, which inherit from the previous
 * ones, so `req.app`, Express's methods and anything added to `express.request` still
 * resolve). Express's `setPrototypeOf` then finds the prototype already in place, which V8
 * does in constant time without touching the object. Sub-apps (if any) still swap and restore
 * prototypes on their own requests, as in stock Express.
 */
/** The app's request and response prototypes (public Express API, absent from its types). */
type ExpressApp = Application & { request: object; response: object };

export class PasserelleExpressAdapter extends ExpressAdapter {
  private readonly serverOptions: ServerOptions;

  constructor() {
    super();
    const app = this.getInstance<ExpressApp>();
    class ExpressRequest extends IncomingMessage {}
    class ExpressResponse extends ServerResponse {}
    Object.setPrototypeOf(ExpressRequest.prototype, app.request);
    Object.setPrototypeOf(ExpressResponse.prototype, app.response);
    app.request = ExpressRequest.prototype;
    app.response = ExpressResponse.prototype;
    this.serverOptions = {
      IncomingMessage: ExpressRequest,
      ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
    };
  }

  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS (TLS ends at the platform's proxy here) and forced connection closing are left to
    // Nest's own server.
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    this.httpServer = createServer(this.serverOptions, this.getInstance<Application>());
  }
}

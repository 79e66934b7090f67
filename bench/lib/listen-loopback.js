'use strict';
// Preloaded (`node --require bench/lib/listen-loopback.js …`) into a third-party server the bench
// starts but whose command line cannot name a listening address (Portkey's gateway calls
// `server.listen(port, undefined, cb)`, i.e. every interface): a listen on a port with no host,
// or with a wildcard host, binds 127.0.0.1 instead. A benchmark's proxy must not be reachable
// from the network (Portkey forwards to loopback hosts, so it would expose this machine's
// local services).
const net = require('node:net');

const WILDCARD = new Set([undefined, null, '', '0.0.0.0', '::']);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] === 'function' || args.length === 1) args.splice(1, 0, '127.0.0.1');
    else if (WILDCARD.has(args[1])) args[1] = '127.0.0.1';
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) {
    if (WILDCARD.has(args[0].host)) args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

import type { RequestHandler } from 'express';
import { isLoopbackAddress } from './loopback-address';

/**
 * For a dashboard on loopback without credentials: answers only requests whose Host names
 * this machine. A web page elsewhere could otherwise point a name of its own at 127.0.0.1
 * (DNS rebinding) and read the dashboard with the visitor's browser.
 */
export function loopbackHostGuard(): RequestHandler {
  return (request, response, next) => {
    const host = request.headers.host ?? '';
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
    if (name && isLoopbackAddress(name)) {
      next();
      return;
    }
    response
      .status(421)
      .type('text/plain')
      .send('421 Misdirected Request: use http://127.0.0.1 or localhost\n');
  };
}

import type { RequestHandler } from 'express';
import type { Store } from '../store/index.ts';
import { sendError } from './errors.ts';
import { allowedFrom } from '../net/allowlist.ts';
import { unmapIPv4 } from '../net/cidr.ts';

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Sets `res.locals.accountId` from an API token, or answers 401. */
export function requireAccountToken(store: Store): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    const auth = token ? await store.apiTokens.authenticate(token) : undefined;
    if (!auth) {
      res.set('WWW-Authenticate', 'Bearer realm="relaypress"');
      return sendError(res, 'unauthorized', 'A valid API token is required (Authorization: Bearer …)');
    }
    // The address the connection comes from (a proxy in front must be allowed itself).
    const client = req.socket.remoteAddress ? unmapIPv4(req.socket.remoteAddress) : undefined;
    if (!allowedFrom(auth.allowed, client)) {
      return sendError(res, 'forbidden', `This API token may not be used from ${client ?? 'an unknown address'}`);
    }
    res.locals.accountId = auth.accountId;
    res.locals.tokenId = auth.tokenId;
    next();
  };
}

/** Guards the admin API with the operator's admin token (compared in constant time). */
export function requireAdminToken(verifyAdminToken: (token: string) => boolean): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token || !verifyAdminToken(token)) {
      res.set('WWW-Authenticate', 'Bearer realm="relaypress-admin"');
      return sendError(res, 'unauthorized', 'A valid admin token is required (Authorization: Bearer …)');
    }
    next();
  };
}

import 'server-only';
import { headers } from 'next/headers';
import type { RequestContext } from './audit/types';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from './client-address';

export function contextFromHeaders(h: Headers): RequestContext {
  return {
    ip: h.get(CLIENT_IP_HEADER),
    userAgent: h.get('user-agent')?.slice(0, 1024) ?? null,
    requestId: h.get(REQUEST_ID_HEADER),
  };
}

export async function getRequestContext(): Promise<RequestContext> {
  return contextFromHeaders(await headers());
}

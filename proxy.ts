import { NextResponse, type NextRequest } from 'next/server';

/**
 * Not a security boundary: every page, action and route handler checks the session and the
 * permission matrix itself. The proxy only sends visitors without a session cookie to sign-in,
 * and sets a per-request CSP nonce that Next.js applies to its own scripts.
 */
const PUBLIC_PATHS = ['/sign-in', '/api/health'];
const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV !== 'production';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PATHS.some(
    (p) => pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`),
  );
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!isPublic && !hasSession) {
    const url = request.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = pathname === '/' ? '' : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  // Audit data must never sit in a shared or browser cache.
  response.headers.set('Cache-Control', 'no-store');
  return response;
}

// The ingest API (/api/v1/) is left out: its only credential is the source's API key, which the
// route checks; it serves JSON (no CSP nonce to set) and marks it no-store itself. Passing its
// bodies (up to 10 MB) through the proxy cost every request a copy.
export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|icon.svg|api/v1/).*)' }],
};

/**
 * A whole page: one inline style sheet and one inline script (with a per-response nonce);
 * nothing else loads, and nothing from another origin.
 */
export function pageSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A `?fragment=1` answer: markup the page's script fetches and swaps in (where the page's own
 * policy applies). Opened on its own it runs nothing and loads nothing; inline styles and data:
 * images keep the charts legible.
 */
export const FRAGMENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Bull Board: its own scripts, styles and images from this server, and never framed. */
export const BULL_BOARD_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

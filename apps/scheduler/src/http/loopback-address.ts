import { isIP } from 'node:net';

/**
 * Whether a host name or address only reaches this machine: `localhost`, 127.0.0.0/8 or ::1.
 * Anything else (0.0.0.0, ::, a LAN address, a host name) may be reachable from elsewhere.
 */
export function isLoopbackAddress(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/*
 * common.mjs - pure helpers shared by the HTTP and browser tests: days
 * in UTC as the server counts them, the month arithmetic of the visit
 * schedule, and RFC 6238 codes for two-step verification. No I/O.
 */
import { createHmac } from 'node:crypto';

/* YYYY-MM-DD of today (UTC) plus offset days (negative: in the past). */
export function day(offset = 0) {
  return new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
}

/* YYYY-MM-DD of n days ago (UTC). */
export function daysAgo(n) {
  return day(-n);
}

/* date plus m months, clamped to the month's end (the documented rule). */
export function addMonths(d, m) {
  let [y, mo, dd] = d.split('-').map(Number);
  const t = y * 12 + (mo - 1) + m;
  y = Math.floor(t / 12);
  mo = (t % 12) + 1;
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${y}-${String(mo).padStart(2, '0')}-${String(Math.min(dd, last)).padStart(2, '0')}`;
}

/* RFC 4648 base32 (spaces and padding ignored) to bytes; throws on a
 * character outside the alphabet. */
export function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let v = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '')) {
    const i = abc.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    v = (v << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((v >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/* The 30-second step of now, plus offset steps. */
export const totpStep = (offset = 0) => Math.floor(Date.now() / 30_000) + offset;

/* RFC 6238 code (HMAC-SHA1, 30 s steps, 6 digits) of key at step. */
export function totpCode(key, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/**
 * A stored timestamp (integer ms, or the string PostgreSQL returns for bigint) as the ISO
 * 8601 text every API answer uses; null stays null.
 */
export function isoTime(ms: number | string | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

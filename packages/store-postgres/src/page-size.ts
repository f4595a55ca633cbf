/** Default page size of the history. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size of any listing. */
export const MAX_PAGE_SIZE = 1000;

/** A requested page size, made a whole number between 1 and {@link MAX_PAGE_SIZE}; `fallback` when not a number. */
export function pageSize(requested: number | undefined, fallback: number): number {
  const size =
    requested !== undefined && Number.isFinite(requested) ? Math.trunc(requested) : fallback;
  return Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
}

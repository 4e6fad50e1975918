/**
 * byText orders strings by their UTF-16 code units, as Go's sort.Strings (and so kubectl) orders
 * bytes for the names and label keys kubeplay prints. Unlike String.prototype.localeCompare it
 * does not load ICU's collator, which costs ~8 ms at the first call of a short-lived command.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

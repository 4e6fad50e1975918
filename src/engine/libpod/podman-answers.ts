/**
 * Reading Podman's answers: the parts of a libpod response body kubeplay takes (an id, a report's
 * per-container Errs, Podman's error message) and the wording that turns them into kubeplay's
 * messages. Pure.
 */

/** parseJson parses a body or line, or gives undefined for empty or non-JSON text. */
export function parseJson(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** asArray reads a listing's body: an array, or none. */
export function asArray<T>(body: unknown): T[] {
  return Array.isArray(body) ? (body as T[]) : [];
}

/** idOf reads the `Id` of a creation's answer, or ''. */
export function idOf(body: unknown): string {
  const id = (body as { Id?: unknown } | null)?.Id;
  return typeof id === 'string' ? id : '';
}

/** errsOf reads a pod report's per-container `Errs` as text. */
export function errsOf(body: unknown): string[] {
  const errs = (body as { Errs?: unknown } | null)?.Errs;
  if (!Array.isArray(errs)) return [];
  return errs.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
}

/** podmanMessage is Podman's reason in an error answer (its `message`, else `cause`, else the text). */
export function podmanMessage(json: unknown, status: number): string {
  if (json !== null && typeof json === 'object') {
    const { message, cause } = json as { message?: unknown; cause?: unknown };
    if (typeof message === 'string' && message !== '') return plain(message);
    if (typeof cause === 'string' && cause !== '') return plain(cause);
  }
  if (typeof json === 'string' && json.trim() !== '') return plain(json.trim());
  return `Podman answered HTTP ${status} with no reason`;
}

/** hintFor is what to add to a failed call's message for its status, or ''. */
export function hintFor(status: number): string {
  // A 404's message already says what is missing; a 409 needs a pointer to the state it clashes with.
  if (status === 409) return ' (it conflicts with the current state; see `podman pod ps` and `podman ps --all`)';
  return '';
}

/** plain drops Go's "Error: " prefixes and trailing newlines from Podman's text. */
export function plain(message: string): string {
  return message.replace(/^(error: )+/i, '').trim();
}

/** nameContainers replaces 64-hex container ids in Podman's messages with the containers' names. */
export function nameContainers(message: string, names: ReadonlyMap<string, string>): string {
  return message.replace(/\b[0-9a-f]{64}\b/g, (id) => {
    const name = names.get(id);
    return name === undefined ? id.slice(0, 12) : name;
  });
}

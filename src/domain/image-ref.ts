/**
 * Image references as Podman reads them: which part names a registry, the tag a reference means
 * when it gives none, and whether a pull could reach a registry at all. Pure.
 *
 * A reference's first path component names a registry when it contains a `.` or a `:`, or is
 * `localhost` (containers/image's rule, also Docker's); otherwise the reference is a short name,
 * which Podman resolves against the images it has locally first (`myapp` finds
 * `localhost/myapp:latest`), then against its unqualified-search registries. `localhost/...` is
 * where `podman build` and `podman import` put images with no registry: no registry serves it, so
 * such an image is never pulled.
 */

/** LocalImage is an image present in Podman's storage, as a lookup by reference found it. */
export interface LocalImage {
  /** The image's full ID (64 hex digits, no `sha256:`). */
  id: string;
  /** Its names (`localhost/myapp:latest`, ...), as Podman lists them (RepoTags); empty for an untagged image. */
  names: string[];
}

/** ImageRef is a reference split into its parts. */
export interface ImageRef {
  /** The registry (`quay.io`, `localhost`, `localhost:5000`), or '' for a short name. */
  domain: string;
  /** The repository path after the registry: `myapp`, `team/myapp`. */
  path: string;
  /** The tag, or '' when none was given. */
  tag: string;
  /** The digest (`sha256:...`), or '' when none was given. */
  digest: string;
}

/** parseImageRef splits a reference into registry, path, tag and digest. */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? '' : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const slash = named.indexOf('/');
  const first = slash === -1 ? '' : named.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const rest = hasDomain ? named.slice(slash + 1) : named;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tagged = colon > lastSlash;
  return {
    domain: hasDomain ? first : '',
    path: tagged ? rest.slice(0, colon) : rest,
    tag: tagged ? rest.slice(colon + 1) : '',
    digest,
  };
}

/**
 * canonicalImage is the form under which kubeplay decides about an image once: a reference with
 * neither tag nor digest means `:latest`, as for Podman (`myapp` and `myapp:latest` are one image);
 * an image ID stays as it is.
 */
export function canonicalImage(ref: string): string {
  // An image ID (or a prefix of one, as `podman images` shows it) names no repository.
  if (/^[0-9a-f]{12,64}$/.test(ref)) return ref;
  const r = parseImageRef(ref);
  return r.tag === '' && r.digest === '' ? `${ref}:latest` : ref;
}

/**
 * localOnlyName says why a pull of `ref` could reach no registry, naming the local name it stands
 * for, or undefined when it could. That is the case when the reference names `localhost`, or is a
 * short name that Podman resolves to a local `localhost/` image (a pull of a short name goes to the
 * name of the local image it matches), or found a local image by ID alone.
 */
export function localOnlyName(ref: string, local: LocalImage | undefined): string | undefined {
  const r = parseImageRef(ref);
  if (r.domain === 'localhost') return canonicalImage(ref);
  if (r.domain !== '' || local === undefined) return undefined;
  const wanted = r.digest !== '' && r.tag === '' ? undefined : `${r.path}:${r.tag || 'latest'}`;
  if (wanted === undefined) return undefined;
  // Podman tries localhost/ first among the short name's candidates.
  const inLocalhost = `localhost/${wanted}`;
  if (local.names.includes(inLocalhost)) return inLocalhost;
  const elsewhere = local.names.find((n) => n.endsWith(`/${wanted}`));
  if (elsewhere !== undefined) return undefined;
  // Found, but under none of its names: the reference is the image's ID (or a prefix of it).
  return local.names[0] ?? local.id.slice(0, 12);
}

/** shortImageId is the 12-digit form of an image ID that `podman images` shows. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

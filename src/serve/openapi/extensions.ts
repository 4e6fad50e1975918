/**
 * The seam through which the OpenAPI documents get each field's patch and apply extensions
 * (`x-kubernetes-patch-merge-key`, `-patch-strategy`, `-list-type`, `-list-map-keys`, `-map-type`):
 * src/serve/patch's table, the one the server's patches and server-side apply use.
 */
export { schemaExtensionsFor, type SchemaExtensions } from '../patch/patch-meta';

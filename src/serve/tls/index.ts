/** src/serve/tls: kubeplay serve's CA, serving and client certificates and token, and who a request is. */
export { ensureCredentials, FILES, ADMIN_USER, ADMIN_GROUP, wantedSans, servingHosts, subjectUser } from './credentials';
export type { ServingCredentials, CredentialOptions, ClientUser } from './credentials';
export { serverTlsOptions, verifyClientCertificate, bearerTokenMatches } from './authenticate';
export type { KeyType } from './certificate';

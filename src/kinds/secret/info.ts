/** SECRET_INFO: the Secret kind's identity (v1, namespaced, no short name). */
import { kindInfo } from '../../domain/kinds';

/** SECRET_INFO is the Secret kind's identity. */
export const SECRET_INFO = kindInfo({ kind: 'Secret', group: '', version: 'v1', plural: 'secrets', singular: 'secret', shortNames: [], namespaced: true });

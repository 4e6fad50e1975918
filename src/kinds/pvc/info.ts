/** PERSISTENT_VOLUME_CLAIM_INFO: the PersistentVolumeClaim kind's identity (v1, namespaced, short name pvc). */
import { kindInfo } from '../../domain/kinds';

/** PERSISTENT_VOLUME_CLAIM_INFO is the PersistentVolumeClaim kind's identity. */
export const PERSISTENT_VOLUME_CLAIM_INFO = kindInfo({
  kind: 'PersistentVolumeClaim',
  group: '',
  version: 'v1',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
});

/**
 * The Pod kind: a Kubernetes Pod carried out as a Podman pod. Its parts live in the stages, named
 * after what they do, and are gathered here: validation (validate/pod-validation.ts: the strict
 * schema, the API server's rules and kubeplay's, Pod Security Standards, defaults, fields not
 * carried out), translation (translate/pod.ts), planning (plan/plan-changes.ts, plan-deletes.ts),
 * observation (observe/), get's table (print/get/format.ts POD_TABLE) and describe's layout
 * (print/describe.ts).
 */
import type { KindModule } from '../kind';
import { POD_INFO } from '../../domain/kinds';
import { POD_TABLE } from '../../print/get/format';

/** POD is the Pod kind's module. */
export const POD: KindModule = {
  info: POD_INFO,
  // Loaded when first asked for (see KindModule.validation).
  validation: () => (require('../../validate/pod-validation') as typeof import('../../validate/pod-validation')).POD_VALIDATION,
  table: POD_TABLE,
  carriedOut: 'podman-pods',
};

/** The Job controller as a kind declares it (controller.ts ControllerSpec). */
import type { ControllerSpec } from '../controller';
import { JOB_SOURCE, reconcileJob } from './controller';

/** JOB_CONTROLLER reads only the namespace's pods. */
export const JOB_CONTROLLER: ControllerSpec = {
  name: JOB_SOURCE,
  reads: [],
  reconcile: reconcileJob,
};

export { finishedCondition, reconcileJob } from './controller';

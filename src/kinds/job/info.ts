/** JOB_INFO: the Job kind's identity (batch/v1, namespaced, no short name, category all). */
import { kindInfo } from '../../domain/kinds';

/** JOB_INFO is the Job kind's identity, as kubectl's discovery lists it (jobs have no short name). */
export const JOB_INFO = kindInfo({ kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', shortNames: [], namespaced: true, categories: ['all'] });

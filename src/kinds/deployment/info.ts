/** DEPLOYMENT_INFO: the Deployment kind's identity (apps/v1, namespaced, short name deploy, category all). */
import { kindInfo } from '../../domain/kinds';

/** DEPLOYMENT_INFO is the Deployment kind's identity, as kubectl's discovery lists it. */
export const DEPLOYMENT_INFO = kindInfo({ kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, categories: ['all'] });

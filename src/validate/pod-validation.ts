/**
 * POD_VALIDATION: the Pod kind's validation, gathered for the registry (src/kinds/pod/): the strict
 * v1 Pod schema, the API server's named rules and kubeplay's own (rules/), Pod Security Standards
 * (security/), the API defaults (defaults.ts) and the fields kubeplay does not carry out.
 */
import { POD_INFO } from '../domain/kinds';
import { allowedProperties, validatePodSchema } from './pod-schema';
import { containersRule } from './rules/containers';
import { metadataRule } from './rules/metadata';
import { sharedContainerPortsRule } from './rules/shared-container-ports';
import { uniqueHostPortsRule } from './rules/unique-host-ports';
import { uniqueNamesRule } from './rules/unique-names';
import { volumesRule } from './rules/volumes';
import { probeNamedPortsRule } from './rules/probe-named-ports';
import { handlersRule } from './rules/handlers';
import { envRule } from './rules/env';
import { resourcesRule } from './rules/resources';
import { securityContextRule } from './rules/security-context';
import { podSpecRule } from './rules/pod-spec';
import { schedulingRule } from './rules/scheduling';
import { volumeSourcesRule } from './rules/volume-sources';
import type { DocumentRule, InputRule } from './rules/rule';
import { notCarriedOut } from './not-carried-out';
import { podSecurityRule } from './security';
import { withApiDefaults } from './defaults';
import type { KindValidation } from './kind-validation';


/** DOCUMENT_RULES run on each Pod document. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  metadataRule,
  containersRule,
  volumesRule,
  sharedContainerPortsRule,
  probeNamedPortsRule,
  handlersRule,
  envRule,
  resourcesRule,
  securityContextRule,
  podSpecRule,
  schedulingRule,
  volumeSourcesRule,
];
/** INPUT_RULES run once over all Pod documents of the input. */
export const INPUT_RULES: readonly InputRule[] = [uniqueNamesRule, uniqueHostPortsRule];

/** POD_VALIDATION is what the validate stage knows of Pods. */
export const POD_VALIDATION: KindValidation = {
  info: POD_INFO,
  schema: validatePodSchema,
  allowedProperties,
  documentRules(profile) {
    const security = podSecurityRule(profile);
    return security ? [...DOCUMENT_RULES, security] : DOCUMENT_RULES;
  },
  inputRules: INPUT_RULES,
  withDefaults: withApiDefaults,
  notCarriedOut,
};

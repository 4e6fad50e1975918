/**
 * The endpoints controller of a Service: Kubernetes' Endpoints controller and EndpointSlice
 * controller in one pure pass, as a kind declares it (controller.ts ControllerSpec). Its owner is a
 * stored core/v1 Service; it reads the namespace's Endpoints and EndpointSlices and its pods, and
 * writes the Endpoints `<svc>` and the Service's slices, each only when it changes. It never waits:
 * endpoints follow the pods at each round.
 */
import type { ControllerInput, ControllerResult, ControllerSpec } from '../controller';
import { syncEndpoints } from './endpoints';
import { syncEndpointSlices, ENDPOINT_SLICE_KIND } from './slices';

/** ENDPOINTS_SOURCE is the reporting component (upstream's Endpoints controller's event source). */
export const ENDPOINTS_SOURCE = 'endpoint-controller';

/** reconcileEndpoints is one pass of both controllers for the Service `input.owner`. */
export function reconcileEndpoints(input: ControllerInput): ControllerResult {
  const service = input.owner;
  const current = input.objects.find((o) => o.kind === 'Endpoints' && o.metadata.name === service.metadata.name);
  const endpoints = syncEndpoints(service, input.pods, current, input.node.name);
  const slices = syncEndpointSlices(service, input.pods, input.objects, input.node.name, input.suffix);
  return {
    put: [...(endpoints ? [endpoints] : []), ...slices.put],
    status: [],
    remove: slices.remove,
    createPods: [],
    deletePods: [],
    events: [],
  };
}

/** ENDPOINTS_CONTROLLER is the Service kind's controller: it reads Endpoints and EndpointSlices besides the pods. */
export const ENDPOINTS_CONTROLLER: ControllerSpec = {
  name: ENDPOINTS_SOURCE,
  reads: ['Endpoints', ENDPOINT_SLICE_KIND],
  reconcile: reconcileEndpoints,
};

export { desiredSubsets, orphanedEndpoints, repackSubsets, syncEndpoints, LABEL_HEADLESS } from './endpoints';
export { syncEndpointSlices, sliceLabels, managedSlices, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MANAGED_BY, ENDPOINT_SLICE_KIND } from './slices';
export { findPort, shouldPodBeInEndpoints } from './pod-endpoints';

/**
 * src/serve/streams: the streaming protocols kubectl uses for exec, attach and port-forward
 * (WebSocket with the channel sub-protocols, SPDY/3.1, SPDY tunnelled in a WebSocket). They take
 * an upgrade (the request, its socket and head from the server's 'upgrade' event) and hand back a
 * session of Node streams; they know nothing of Podman.
 */
export { acceptExec, acceptAttach, EXEC_SPDY_PROTOCOLS, EXEC_WEBSOCKET_PROTOCOLS, type ExecOptions, type ExecSession } from './exec';
export {
  acceptPortForward,
  LegacyPortForwardSession,
  PortForwardSession,
  LEGACY_PROTOCOLS,
  PORT_FORWARD_PROTOCOL,
  TUNNEL_PROTOCOL,
  type ForwardedConnection,
  type ForwardingSession,
  type PortForwardOptions,
} from './port-forward';
export { ResizeQueue, type TerminalSize } from './resize';
export { execStatusJson, type ExecStatus } from './status';

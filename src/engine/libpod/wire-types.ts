/**
 * The shapes of Podman 4.3's libpod JSON that kubeplay reads: listings, inspections and events,
 * each cut down to the fields used. Types only; to-engine-types.ts maps them to the port's types.
 */

/** PodListReport is one pod of GET /pods/json. */
export interface PodListReport {
  Id: string;
  Name: string;
  Status: string;
  Created?: string;
  InfraId?: string;
  Labels?: Record<string, string> | null;
  Containers?: Array<{ Id: string; Names: string; Status: string; RestartCount?: number }> | null;
}

/** ContainerListReport is one container of GET /containers/json. */
export interface ContainerListReport {
  Id: string;
  Names?: string[] | null;
  PodName?: string;
  Pod?: string;
  IsInfra?: boolean;
  Image?: string;
  State?: string;
  ExitCode?: number;
  Restarts?: number;
  StartedAt?: number;
  ExitedAt?: number;
  Created?: string;
  Labels?: Record<string, string> | null;
  Ports?: PortReport[] | null;
}

/** PortReport is one published port range of a container listing. */
export interface PortReport {
  host_ip?: string;
  host_port: number;
  container_port: number;
  protocol?: string;
  range?: number;
}

/** PodInspectReport is GET /pods/{name}/json, with its containers' states. */
export interface PodInspectReport {
  Id: string;
  Name: string;
  Containers?: Array<{ Id: string; Name: string; State: string }> | null;
}

/** ContainerInspectReport is GET /containers/{id}/json. */
export interface ContainerInspectReport {
  Id: string;
  Name?: string;
  Pod?: string;
  IsInfra?: boolean;
  RestartCount?: number;
  State?: {
    Status?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    Error?: string;
    Pid?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; Log?: Array<{ Start?: string; ExitCode?: number; Output?: string }> | null } | null;
    Healthcheck?: { Status?: string } | null;
  };
  HostConfig?: { RestartPolicy?: { Name?: string } | null };
  NetworkSettings?: {
    IPAddress?: string;
    Networks?: Record<string, { IPAddress?: string }> | null;
  } | null;
}

/** NetworkReport is GET /libpod/networks/{name}/json (types.Network). */
export interface NetworkReport {
  name: string;
  subnets?: Array<{ subnet?: string }> | null;
  dns_enabled?: boolean;
  labels?: Record<string, string> | null;
}

/** EventReport is one line of GET /events (Docker-compatible fields and Podman's own). */
export interface EventReport {
  id?: string;
  Type?: string;
  Action?: string;
  status?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null };
  time?: number;
  timeNano?: number | string;
  /** A health_status event's new status (Podman puts it beside the attributes, not among them). */
  HealthStatus?: string;
}

/** ImageInspectReport is the part of GET /images/{ref}/json kubeplay reads. */
export interface ImageInspectReport {
  Id?: string;
  RepoTags?: string[] | null;
}

/** VolumeInspectReport is the part of GET /volumes/{name}/json kubeplay reads. */
export interface VolumeInspectReport {
  Name?: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
  Mountpoint?: string;
  Options?: Record<string, string> | null;
}

/** ExecInspectReport is the part of GET /exec/{id}/json kubeplay reads. */
export interface ExecInspectReport {
  Running?: boolean;
  ExitCode?: number;
}

/** SecretInfoReport is one secret of GET /secrets/json (its value is never listed). */
export interface SecretInfoReport {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> | null } | null;
}

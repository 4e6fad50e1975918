#!/usr/bin/env bash
# setup.sh: prepares a fresh Debian 12 machine (root, Node 20 + npm) to build, run and test kubeplay.
#
# Idempotent: every step first checks whether its work is already done, so a second run only
# checks (a few seconds). Steps:
#   1. apt packages podman, runc, busybox-static, tmux, docker-registry (only when one is missing)
#   2. host configuration in containers.conf (only keys that are missing; never overwrites)
#   3. the local image localhost/busybox:stable (only when missing), then a test run of it;
#      the tutorials' stand-in images (only those missing), built on it
#   4. npm ci (only when node_modules is missing or stale), npm run build (only when sources changed)
#   5. a Podman API service on the default socket (only when none answers)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="localhost/busybox:stable"
# Podman itself reads CONTAINERS_CONF when it is set, so that is the file to complete.
containers_conf="${CONTAINERS_CONF:-/etc/containers/containers.conf}"

log() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- 1. packages -------------------------------------------------------------------------

pkg_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

ensure_packages() {
  local missing=()
  pkg_installed podman && command -v podman >/dev/null 2>&1 || missing+=(podman)
  pkg_installed runc && command -v runc >/dev/null 2>&1 || missing+=(runc)
  # busybox-static, not busybox: the image has no libc, so only a static binary runs in it.
  pkg_installed busybox-static || missing+=(busybox-static)
  # tmux drives the interactive `exec -it` test: it gives the CLI a real pseudo-terminal.
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  # docker-registry serves the one registry the image-pull tests pull from (on a port of their own).
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  # nft loads Services' rules into their proxy pods' network namespaces (nsenter is util-linux's, always there).
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages present: podman $(podman --version | awk '{print $3}'), runc, busybox-static, tmux, docker-registry, nftables"
    return
  fi
  is_root || die "packages ${missing[*]} are missing and installing them needs root; rerun as root (sudo bash scripts/setup.sh)."
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # With recommends: catatonit (among them) is what Podman builds its pod infra image from.
  apt-get install -y -qq podman runc busybox-static tmux docker-registry nftables >/dev/null
  command -v podman >/dev/null 2>&1 || die "apt-get reported success but podman is still not on PATH; check apt's output above."
}

# --- 2. host configuration ---------------------------------------------------------------

# conf_get FILE SECTION KEY: prints KEY's raw value inside [SECTION], or nothing.
conf_get() {
  awk -v section="$2" -v key="$3" '
    /^[[:space:]]*\[/ { line = $0; sub(/#.*/, "", line); gsub(/[[:space:]]/, "", line); in_section = (line == "[" section "]"); next }
    in_section {
      line = $0
      if (match(line, "^[[:space:]]*" key "[[:space:]]*=")) { print substr(line, RLENGTH + 1); exit }
    }' "$1"
}

# conf_add FILE SECTION LINES: inserts LINES right after the [SECTION] header, or appends the
# section when the file has none. Everything else in the file is kept as it was.
conf_add() {
  local file="$1" section="$2" lines="$3" tmp
  tmp="$(mktemp "$file.kubeplay.XXXXXX")"
  if grep -Eq "^[[:space:]]*\\[$section\\][[:space:]]*(#.*)?$" "$file"; then
    awk -v section="$section" -v lines="$lines" '
      { print }
      !done && /^[[:space:]]*\[/ {
        line = $0; sub(/#.*/, "", line); gsub(/[[:space:]]/, "", line)
        if (line == "[" section "]") { print lines; done = 1 }
      }' "$file" >"$tmp"
  else
    {
      cat "$file"
      # Keep one blank line between the old content and the new section.
      if [ -s "$file" ]; then [ -n "$(tail -c1 "$file")" ] && echo; echo; fi
      printf '[%s]\n%s\n' "$section" "$lines"
    } >"$tmp"
  fi
  chmod --reference="$file" "$tmp" 2>/dev/null || chmod 0644 "$tmp"
  mv "$tmp" "$file"
}

# conf_ensure FILE SECTION KEY VALUE WHY: adds KEY = VALUE when KEY is absent; when KEY has
# another value, says so and leaves it (the machine's owner chose it; we do not overwrite).
conf_ensure() {
  local file="$1" section="$2" key="$3" value="$4" why="$5" current
  current="$(conf_get "$file" "$section" "$key")"
  if [ -z "$current" ]; then
    [ -w "$file" ] ||
      die "$file lacks [$section] $key and is not writable; rerun as root (sudo bash scripts/setup.sh)."
    conf_add "$file" "$section" "# Added by kubeplay scripts/setup.sh: $why"$'\n'"$key = $value"
    log "containers.conf: added [$section] $key = $value ($why)"
  elif [ "$(printf '%s' "$current" | sed "s/#.*//; s/[[:space:]]//g; s/'/\"/g")" = "$(printf '%s' "$value" | tr -d '[:space:]')" ]; then
    :
  else
    warn "$file sets [$section] $key =$current; kept as is. This host may need $key = $value ($why); change it if containers fail to start."
    return 2
  fi
}

ensure_containers_conf() {
  local file="$containers_conf" nofile=20000 nproc=32768 hard
  # These are properties of this host, not of kubeplay (which hard-codes neither): the kernel
  # mounts cgroups in hybrid mode, which crun (Podman's default runtime) refuses, and the process
  # lacks CAP_SYS_RESOURCE, so Podman's default rlimits (nofile 1048576) fail with "setrlimit:
  # Operation not permitted". Limits must not exceed the host's hard limits.
  hard="$(ulimit -Hn)"; [ "$hard" != unlimited ] && [ "$hard" -lt "$nofile" ] && nofile="$hard"
  hard="$(ulimit -Hu)"; [ "$hard" != unlimited ] && [ "$hard" -lt "$nproc" ] && nproc="$hard"
  if [ ! -e "$file" ]; then
    is_root || [ -w "$(dirname "$file")" ] || die "$file is missing and creating it needs root; rerun as root."
    mkdir -p "$(dirname "$file")"
    : >"$file"
    log "containers.conf: creating $file"
  fi
  local before kept=0; before="$(cksum <"$file")"
  conf_ensure "$file" engine runtime '"runc"' \
    "crun refuses this host's hybrid cgroups (\"cgroups in hybrid mode not supported\"); runc works" || kept=1
  # This one is for kubeplay describe and logs -p, which read the pods' container events from
  # Podman's event log: Podman 4.3 rotates that log at 1 MB, a few minutes of one crash-looping pod.
  conf_ensure "$file" engine events_logfile_max_size '"20m"' \
    "describe and logs -p read Podman's event log, which the 1 MB default rotates away within minutes" || kept=1
  conf_ensure "$file" containers default_ulimits "[\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]" \
    "without CAP_SYS_RESOURCE Podman's default rlimits fail (\"setrlimit: Operation not permitted\")" || kept=1
  if [ "$kept" -eq 0 ] && [ "$before" = "$(cksum <"$file")" ]; then
    log "containers.conf: $file already has runtime runc, events_logfile_max_size and default_ulimits"
  fi
}

# --- 3. image ----------------------------------------------------------------------------

ensure_image() {
  if podman image exists "$image"; then
    log "image $image present"
  else
    log "building $image (no registry is reachable, so it is made from busybox-static)"
    bash "$repo_root/scripts/build-test-image.sh" "$image"
  fi
  podman run --rm "$image" true ||
    die "a container from $image does not start; see podman's message above (on this host check $containers_conf: runtime runc, default_ulimits)."
  log "image $image runs"
}

# The public tutorials' manifests (test/fixtures/tutorials/, issue 19) name registry images, and
# they must apply unchanged. No registry is reachable here, so each image is built locally under
# the exact name the manifests use, from localhost/busybox:stable's layers plus the small scripts
# in scripts/tutorial-images/: a stand-in that listens on the same port, answers in the spirit of
# the original and talks to the next tier by its Service name. Tags other than :latest default to
# imagePullPolicy IfNotPresent, so the local image is used.
#   build_standin IMAGE CMD_JSON COPY_SPEC...   (COPY_SPEC: "SRC DEST" relative to scripts/tutorial-images/)
build_standin() {
  local name="$1" cmd="$2" spec
  shift 2
  if podman image exists "$name"; then return; fi
  log "building the stand-in $name (no registry here; the tutorial manifests must stay unchanged)"
  {
    printf 'FROM %s\n' "$image"
    for spec in "$@"; do printf 'COPY %s\n' "$spec"; done
    printf 'ENV PATH=/bin\nCMD %s\n' "$cmd"
  } | podman build --quiet --pull=never -t "$name" -f - "$repo_root/scripts/tutorial-images" >/dev/null ||
    die "building the stand-in image $name failed; see podman's message above."
}

ensure_tutorial_images() {
  # Connect a Frontend to a Backend Using Services (kubernetes.io): nginx front end -> hello.
  build_standin gcr.io/google-samples/hello-go-gke:1.0 '["hello"]' 'hello-go-gke/ /'
  build_standin gcr.io/google-samples/hello-frontend:1.0 '["/usr/sbin/nginx", "-g", "daemon off;"]' 'hello-frontend/ /'
  # Deploying PHP Guestbook application with Redis (kubernetes.io): front end -> redis-leader, redis-follower.
  build_standin docker.io/redis:6.0.5 '["redis-server"]' 'redis/ /'
  build_standin us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2 \
    '["redis-server", "--replicaof", "redis-leader", "6379"]' 'redis/ /'
  build_standin us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5 '["guestbook"]' \
    'gb-frontend/ /' 'redis/bin/redis-cli /bin/redis-cli'
  log "tutorial stand-in images present"
}

# --- 4. node dependencies and build ------------------------------------------------------

deps_fresh() {
  # npm writes node_modules/.package-lock.json on every install; older than the lockfile means
  # the lockfile changed since. `npm ls` then checks the tree really satisfies package.json.
  [ -d node_modules ] && [ -f node_modules/.package-lock.json ] || return 1
  [ ! package-lock.json -nt node_modules/.package-lock.json ] || return 1
  npm ls --all >/dev/null 2>&1
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node and npm are required (Node 20) and are not on PATH; install them first, e.g. from https://nodejs.org/."
  fi
  cd "$repo_root"
  if deps_fresh; then
    log "node_modules up to date"
  elif [ -f package-lock.json ]; then
    log "npm ci (node_modules missing or stale)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    log "npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi

  local stamp=dist/.setup-build-stamp changed=""
  if [ -f "$stamp" ] && [ -f dist/cli/main.js ]; then
    changed="$(find src schemas tsconfig.json tsconfig.build.json package.json package-lock.json \
      -newer "$stamp" -print -quit 2>/dev/null || true)"
    if [ -z "$changed" ]; then log "build up to date (dist/)"; return; fi
  fi
  log "npm run build"
  npm run --silent build || die "npm run build failed (TypeScript errors above); fix them and rerun bash scripts/setup.sh."
  touch "$stamp"
}

# --- 5. Podman API service ---------------------------------------------------------------

# ping SOCKET: succeeds when a Podman API answers _ping on SOCKET. Uses node, which is always
# here, rather than curl, which a fresh machine may lack.
ping_socket() {
  node -e '
    const req = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 }, (res) => {
      let body = ""; res.on("data", (d) => (body += d)); res.on("end", () => process.exit(body === "OK" ? 0 : 1));
    });
    req.on("timeout", () => req.destroy()); req.on("error", () => process.exit(1));' "$1" 2>/dev/null
}

ensure_service() {
  local sock logfile
  if is_root; then sock=/run/podman/podman.sock; logfile=/var/log/kubeplay-podman-service.log
  else sock="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/podman/podman.sock"; logfile="$HOME/.kubeplay-podman-service.log"
  fi
  ensure_service_at "$sock" "$logfile"
}

# ensure_service_at SOCKET LOGFILE: starts a detached Podman API service on SOCKET unless one answers.
ensure_service_at() {
  local sock="$1" logfile="$2" dir
  if ping_socket "$sock"; then log "Podman API answers at unix://$sock"; return; fi
  dir="$(dirname "$sock")"
  mkdir -p "$dir"
  # A socket file nobody answers on is left over from a service that died; podman cannot bind over it.
  if [ -S "$sock" ]; then rm -f "$sock"; fi
  log "starting podman system service on unix://$sock (log: $logfile)"
  # setsid + nohup: the service must outlive this script and the terminal that ran it. From /:
  # conmon inherits the service's working directory and fails every container start ("Failed to
  # get working directory", then "write child: broken pipe") once the checkout it ran from is gone.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$sock" >>"$logfile" 2>&1 </dev/null) &
  local pid=$!
  for _ in $(seq 1 100); do
    ping_socket "$sock" && { log "Podman API answers at unix://$sock (pid $pid)"; return; }
    sleep 0.1
  done
  die "podman system service did not answer _ping on $sock within 10 s; see $logfile."
}

main() {
  local start=$SECONDS
  ensure_packages
  ensure_containers_conf
  ensure_image
  ensure_tutorial_images
  ensure_node
  ensure_service
  log "done in $((SECONDS - start)) s"
}

# Sourcing the file (for its functions) runs nothing.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi

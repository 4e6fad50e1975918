# guestbook.php stand-in for us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5 (see
# scripts/setup.sh). Not PHP: a shell script that httpd runs for *.php (httpd.conf), doing what the
# original does: `cmd=set` writes the key to the leader (`redis-leader`), `cmd=get` reads it from a
# replica (`redis-follower`), by Service name when GET_HOSTS_FROM is dns (the manifest's choice), or
# from the Service variables when it is env.
# No globbing: the query is split on & below, and a value may hold * or ?.
set -f
cmd="" key="" value=""
for pair in $(printf '%s' "$QUERY_STRING" | tr '&' ' '); do
  v="$(httpd -d "${pair#*=}")"
  case "${pair%%=*}" in
    cmd) cmd="$v" ;;
    key) key="$v" ;;
    value) value="$v" ;;
  esac
done
leader=redis-leader
follower=redis-follower
if [ "$GET_HOSTS_FROM" = env ]; then
  leader="$REDIS_LEADER_SERVICE_HOST"
  follower="$REDIS_FOLLOWER_SERVICE_HOST"
fi
if [ -z "$cmd" ]; then
  printf 'Content-Type: text/html\r\n\r\n<html><body><h1>guestbook.php</h1><p>cmd=get or cmd=set, key=, value=</p></body></html>\n'
  exit 0
fi
if [ "$cmd" = set ]; then
  if out="$(redis-cli -h "$leader" SET "$key" "$value" 2>&1)" && [ "$out" = OK ]; then
    printf 'Content-Type: application/json\r\n\r\n{"message": "Updated"}\n'
    exit 0
  fi
else
  if out="$(redis-cli -h "$follower" GET "$key" 2>&1)" && [ "${out#(error)}" = "$out" ]; then
    printf 'Content-Type: application/json\r\n\r\n{"data": "%s"}\n' "$out"
    exit 0
  fi
fi
printf 'HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n%s\n' "$out"

#!/usr/bin/env bash
# Makes sure the servers the tests talk to answer on loopback: PostgreSQL (127.0.0.1:5432) for the
# store's and the cluster's tests, Redis (127.0.0.1:6379) for cluster mode's BullMQ queues.
# STORE_SKIP_POSTGRES=1 and TEST_SKIP_REDIS=1 leave that server alone (its tests skip). Idempotent: a server that answers is left alone; one that is installed but stopped is started
# with the machine's own command; one that is missing is installed from Debian's packages.
set -euo pipefail

wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "ensure-services: $what does not answer" >&2
  return 1
}

if [ "${STORE_SKIP_POSTGRES:-}" != 1 ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }
if [ "${TEST_SKIP_REDIS:-}" != 1 ] && ! redis_up 2>/dev/null; then
  if ! command -v redis-server >/dev/null; then
    echo "ensure-services: installing Debian's redis-server package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  echo "ensure-services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_up
fi

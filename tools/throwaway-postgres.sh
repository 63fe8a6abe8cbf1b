# shellcheck shell=bash
# Sourced by tools/run-tests and tools/run-bench, not run on its own: a throwaway role and
# database on the local PostgreSQL cluster, for the tests and benchmarks that need one.
#   postgres_problem LOG        prints why PostgreSQL cannot be used, or nothing when the
#                               cluster is up (a stopped cluster is started; its output goes
#                               to LOG)
#   create_throwaway_postgres   creates the role and database and exports
#                               ISP_NETWORK_TEST_PG_URL; returns non-zero when it cannot
#   drop_throwaway_postgres     drops both; call it from the EXIT trap
# ISP_NETWORK_TEST_PG_VERSION chooses the cluster version (default 15).

pg_version=${ISP_NETWORK_TEST_PG_VERSION:-15}
pg_db=""
pg_role=""

psql_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"
  else
    sudo -n -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"
  fi
}

postgres_problem() {
  local log=$1 status
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "PostgreSQL is not installed (no pg_lsclusters; apt-get install postgresql-15)"
    return
  fi

  status=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $4}')
  if [ -z "$status" ]; then
    echo "there is no PostgreSQL $pg_version cluster 'main' (see pg_lsclusters)"
    return
  fi

  if [ "$status" != online ]; then
    echo "starting PostgreSQL: pg_ctlcluster $pg_version main start" >&2
    if ! pg_ctlcluster "$pg_version" main start >"$log" 2>&1; then
      echo "pg_ctlcluster $pg_version main start failed: $(tr '\n' ' ' <"$log")"
      return
    fi
  fi
}

create_throwaway_postgres() {
  local port suffix password
  port=$(pg_lsclusters --no-header | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
  suffix=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  pg_role="isp_test_$suffix"
  if psql_as_postgres -c "CREATE ROLE \"$pg_role\" LOGIN PASSWORD '$password'" \
    && pg_db="isp_test_$suffix" \
    && psql_as_postgres -c "CREATE DATABASE \"$pg_db\" OWNER \"$pg_role\""; then
    export ISP_NETWORK_TEST_PG_URL="postgresql+psycopg://$pg_role:$password@127.0.0.1:$port/$pg_db"
    echo "throwaway database $pg_db on 127.0.0.1:$port (dropped at exit)"
    return 0
  fi
  return 1
}

drop_throwaway_postgres() {
  if [ -n "$pg_db" ]; then
    psql_as_postgres -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" || true
  fi
  if [ -n "$pg_role" ]; then
    psql_as_postgres -c "DROP ROLE IF EXISTS \"$pg_role\"" || true
  fi
}

#!/usr/bin/env bash
# Several hosts on this machine: two web servers on two ports, each with its own instance
# folder, two outbox workers and two schedulers (one active, one standing by), all on one
# PostgreSQL database and one S3-compatible object store (SeaweedFS, started here).
# Ctrl-C (or TERM) stops them all. Settings (environment):
#   CLUSTER_ROOT   folder for the hosts' instance folders and the store's data
#                  (instance/cluster)
#   CLUSTER_PORTS  the two web servers' ports ("5101 5102")
#   CLUSTER_DB     the PostgreSQL database, created when missing (talentfin_cluster)
#   CLUSTER_PG     the PostgreSQL server (postgresql://postgres@127.0.0.1:5432)
#   CLUSTER_S3_PORT the object store's S3 port (8333; it also takes the next ports up)
#   CLUSTER_SEED   1: upgrade the database and seed the demo (default); 0: upgrade only
#   CLUSTER_BIN    the virtualenv's bin folder (.venv/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CLUSTER_BIN:-$(pwd)/.venv/bin}
ROOT=$(realpath -m "${CLUSTER_ROOT:-instance/cluster}")
read -r -a PORTS <<< "${CLUSTER_PORTS:-5101 5102}"
DB=${CLUSTER_DB:-talentfin_cluster}
PG=${CLUSTER_PG:-postgresql://postgres@127.0.0.1:5432}
S3_PORT=${CLUSTER_S3_PORT:-8333}
SEED=${CLUSTER_SEED:-1}
mkdir -p "$ROOT/store"

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "cluster stopped"
}
trap stop INT TERM EXIT

# What every host shares: the secret key, the database, the object store.
[ -s "$ROOT/secret_key" ] || "$BIN/python" -c 'import secrets; print(secrets.token_hex(32))' > "$ROOT/secret_key"
export TALENTFIN_SECRET_KEY; TALENTFIN_SECRET_KEY=$(cat "$ROOT/secret_key")
export TALENTFIN_DATABASE_URL="${PG/postgresql:/postgresql+psycopg:}/$DB"
export TALENTFIN_STORAGE_BACKEND=s3 TALENTFIN_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export TALENTFIN_S3_BUCKET=talentfin TALENTFIN_S3_ACCESS_KEY_ID=talentfin
export TALENTFIN_S3_SECRET_ACCESS_KEY=talentfin-cluster
# A demo on plain HTTP on the loopback address, as `make run`.
export TALENTFIN_SESSION_COOKIE_SECURE=false TALENTFIN_REMEMBER_COOKIE_SECURE=false
export TALENTFIN_SECOND_FACTOR_REQUIRED=false
export TALENTFIN_PUBLIC_BASE_URL="http://127.0.0.1:${PORTS[0]}"

psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || psql "$PG/postgres" -qc "CREATE DATABASE $DB"

# The object store: SeaweedFS's master, volume, filer and S3 gateway in one process.
"$BIN/weed" server -dir="$ROOT/store" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port=$((S3_PORT + 1)) -volume.port=$((S3_PORT + 2)) -filer.port=$((S3_PORT + 3)) \
  -s3 -s3.port="$S3_PORT" -volume.max=0 -master.volumeSizeLimitMB=64 \
  > "$ROOT/store.log" 2>&1 & pids+=($!)
"$BIN/python" - <<'PY'
import os, time
import boto3
client = boto3.client("s3", endpoint_url=os.environ["TALENTFIN_S3_ENDPOINT_URL"],
                      aws_access_key_id="talentfin", aws_secret_access_key="talentfin-cluster",
                      region_name="us-east-1")
deadline = time.monotonic() + 90
while True:
    try:
        names = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        break
    except Exception:
        if time.monotonic() > deadline:
            raise SystemExit("the object store did not start (see store.log)")
        time.sleep(0.5)
if "talentfin" not in names:
    client.create_bucket(Bucket="talentfin")
PY

host() { echo "$ROOT/host-$1"; }
for name in a b; do
  mkdir -p "$(host $name)/fonts"
  cp -n instance/fonts/* "$(host $name)/fonts/" 2>/dev/null || true
done
TALENTFIN_INSTANCE_PATH=$(host a) "$BIN/flask" --app talentfin db upgrade
if [ "$SEED" = 1 ]; then
  TALENTFIN_INSTANCE_PATH=$(host a) "$BIN/flask" --app talentfin seed-demo
fi

index=0
for name in a b; do
  export TALENTFIN_INSTANCE_PATH; TALENTFIN_INSTANCE_PATH=$(host $name)
  "$BIN/gunicorn" --workers 2 --bind "127.0.0.1:${PORTS[$index]}" \
    --access-logfile "$(host $name)/access.log" 'talentfin:create_app()' \
    > "$(host $name)/web.log" 2>&1 & pids+=($!)
  "$BIN/flask" --app talentfin worker > "$(host $name)/worker.log" 2>&1 & pids+=($!)
  "$BIN/flask" --app talentfin scheduler --standby 30 > "$(host $name)/scheduler.log" 2>&1 & pids+=($!)
  index=$((index + 1))
done
echo "cluster: http://127.0.0.1:${PORTS[0]} and http://127.0.0.1:${PORTS[1]} (database $DB, store :$S3_PORT; logs in $ROOT)"
wait -n

#!/usr/bin/env bash
# Serve the web app (gunicorn, 2 workers), the dossier worker and the scheduler; Ctrl-C stops all.
# The demo runs on plain HTTP on the loopback address, so cookies are not marked Secure here;
# production keeps the default (Secure) behind HTTPS.
set -u
export TALENTFIN_SESSION_COOKIE_SECURE=${TALENTFIN_SESSION_COOKIE_SECURE:-false}
export TALENTFIN_REMEMBER_COOKIE_SECURE=${TALENTFIN_REMEMBER_COOKIE_SECURE:-false}
BIN=.venv/bin
pids=()
cleanup() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  echo "talentfin stopped"
}
trap cleanup INT TERM EXIT
$BIN/flask --app talentfin worker & pids+=($!)
$BIN/flask --app talentfin scheduler & pids+=($!)
$BIN/gunicorn --workers 2 --bind 127.0.0.1:5000 --access-logfile - 'talentfin:create_app()' & pids+=($!)
echo "talentfin is serving on http://127.0.0.1:5000 (Ctrl-C stops the web server, the worker and the scheduler)"
wait -n

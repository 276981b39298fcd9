#!/usr/bin/env bash
# Serve the web app, the dossier worker and the scheduler together; Ctrl-C stops all of them.
set -u
FLASK=".venv/bin/flask --app talentfin"
pids=()
cleanup() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup INT TERM EXIT
$FLASK worker & pids+=($!)
$FLASK run --host 127.0.0.1 --port 5000 & pids+=($!)
echo "talentfin is serving on http://127.0.0.1:5000 (Ctrl-C stops it)"
wait -n

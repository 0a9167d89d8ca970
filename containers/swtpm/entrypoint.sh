#!/bin/bash
# Starts swtpm on 127.0.0.1:2321 (commands) and :2322 (control), says "swtpm ready" once the command port accepts a
# connection, and passes SIGTERM on.
set -eu
mkdir -p /var/lib/swtpm/state
swtpm socket --tpm2 \
  --server type=tcp,port=2321,bindaddr=127.0.0.1 \
  --ctrl type=tcp,port=2322,bindaddr=127.0.0.1 \
  --tpmstate dir=/var/lib/swtpm/state \
  --flags not-need-init,startup-clear &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT
for _ in $(seq 1 500); do
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi
  if (exec 3<>/dev/tcp/127.0.0.1/2321) 2>/dev/null; then
    echo "swtpm ready: $(swtpm --version | head -n1)"
    wait "$pid"
    exit $?
  fi
  sleep 0.02
done
echo "swtpm did not accept connections within 10 s" >&2
kill -TERM "$pid"
exit 1

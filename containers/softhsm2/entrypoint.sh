#!/bin/sh
# Initialises one SoftHSM2 token and serves it on /run/p11/p11.sock with `p11-kit server`; with /run/quirk/quirk.conf
# it serves it through the quirk token, which gives it one PIN quirk of real tokens (fixtures/pkcs11-pin/quirks.json).
# The PINs come in /run/token-secrets/pins (two lines: SO PIN, user PIN), a file only root can read, and are typed
# into softhsm2-util on a pseudo-terminal: they are never a command-line argument, which any local user could read.
set -eu
label=${TOKEN_LABEL:-parsec-conformance}
{ read -r so_pin; read -r user_pin; } < /run/token-secrets/pins
mkdir -p /var/lib/softhsm/tokens
printf 'directories.tokendir = /var/lib/softhsm/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  > /etc/softhsm/softhsm2.conf
# The input stays open until softhsm2-util is done: at an end of input, `script` waits a quarter of a second.
mkfifo /tmp/pins.fifo
script -qec "softhsm2-util --init-token --free --label $label" /dev/null < /tmp/pins.fifo > /tmp/init.out 2>&1 &
init=$!
exec 3> /tmp/pins.fifo
printf '%s\n%s\n%s\n%s\n' "$so_pin" "$so_pin" "$user_pin" "$user_pin" >&3
unset so_pin user_pin
wait "$init" || true
exec 3>&-
rm -f /tmp/pins.fifo
if ! grep -q 'The token has been initialized' /tmp/init.out; then
  echo "softhsm2-token-server: softhsm2-util --init-token failed" >&2
  rm -f /tmp/init.out
  exit 1
fi
rm -f /tmp/init.out
serial=$(softhsm2-util --show-slots | awk -v l="$label" '/Serial number:/ {s=$3} /Label:/ {if ($2 == l) {print s; exit}}')
echo "token-serial=$serial"
echo "softhsm2 $(softhsm2-util --version)"
provider=/usr/lib/softhsm/libsofthsm2.so
if [ -f /run/quirk/quirk.conf ]; then
  provider=/usr/local/lib/libparsec-conformance-quirk.so
  export PARSEC_CONFORMANCE_QUIRK_CONFIG=/run/quirk/quirk.conf
  echo "quirk token: $(sed -n 's/^quirk=//p' /run/quirk/quirk.conf)"
fi
exec /usr/libexec/p11-kit/p11-kit-server -f --provider "$provider" -n /run/p11/p11.sock "pkcs11:"

#!/bin/sh
# Points apt at the Debian mirror of the machine that builds the image (build argument DEBIAN_MIRROR, read by the
# harness from that machine's own apt configuration) for the image's own suite, plus any EXTRA_SUITES, and takes over
# that machine's Acquire settings (apt-host.conf: proxies, release-file date checks). Then updates the package lists.
# Without a mirror, the image's own sources stay as they are.
set -eu
if [ -n "${DEBIAN_MIRROR:-}" ]; then
  . /etc/os-release
  suite=${VERSION_CODENAME:-sid}
  rm -f /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list
  for s in "$suite" ${EXTRA_SUITES:-}; do echo "deb $DEBIAN_MIRROR $s main"; done > /etc/apt/sources.list
  # An extra suite only serves what is asked of it by name (pkg/suite) and what that needs.
  for s in ${EXTRA_SUITES:-}; do printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n\n' "$s"; done \
    > /etc/apt/preferences.d/parsec-conformance-extra-suites
elif [ -n "${EXTRA_SUITES:-}" ]; then
  echo "apt-setup: EXTRA_SUITES ($EXTRA_SUITES) needs DEBIAN_MIRROR" >&2
  exit 1
fi
cp /tmp/apt-setup/apt-host.conf /etc/apt/apt.conf.d/90parsec-conformance-host
apt-get update

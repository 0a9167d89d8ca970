#!/bin/sh
# Builds the parsec-service crate that Debian ships as source, with the given comma-separated cargo features, from
# Debian's packaged crates only (no network), and leaves the binary in /out.
set -eu
features=$1
crate=$(ls -d /usr/share/cargo/registry/parsec-service-* | sort -V | tail -n1)
cp -r "$crate" /src
mkdir -p /src/.cargo /out
cat > /src/.cargo/config.toml <<'TOML'
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "/usr/share/cargo/registry"

[net]
offline = true
TOML
cd /src
# Debian's psa-crypto-sys links the system's Mbed Crypto and needs the multiarch triplet; the crate denies lints
# that newer rustc versions report, which must not fail a build of released code.
DEB_HOST_MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine) \
RUSTFLAGS="--cap-lints warn" CARGO_TERM_COLOR=never \
  cargo build --release --offline --no-default-features --features "$features"
cp target/release/parsec /out/parsec
printf 'crate=%s\nfeatures=%s\nrustc=%s\n' "$(basename "$crate")" "$features" "$(rustc --version)" > /out/build-info

#!/usr/bin/env bash
# Sets up a fresh Debian machine for this project: the Debian packages the tests use, then the
# npm packages (which bring Node 22 itself, as the `node` devDependency, and build dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

# openssl: test certificates; script (util-linux): the pseudo-terminal CLI test;
# chromium: the kiosk wizard's end-to-end tests (driven by playwright-core, never downloaded);
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# systemd-analyze: verifies the appliance's unit files (deploy/).
command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
command -v openssl >/dev/null 2>&1 || packages+=(openssl)
# script, unshare, mount (util-linux): the pseudo-terminal CLI test; private mount namespaces for the
# read-only, full-disk and remote-localhost tests.
command -v script >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || packages+=(util-linux mount)
# Debian's python3 with PyYAML: the agent's own YAML parser and json.dumps, the references the config
# writer and the drop-ship signature bytes are tested against.
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || packages+=(python3 python3-yaml)
# strace: the durability test watches a provisioning run's real system calls (temp file written,
# fsynced, renamed, directory fsynced), which a crash test cannot see (SIGKILL keeps the page cache).
command -v strace >/dev/null 2>&1 || packages+=(strace)
if ((${#packages[@]} > 0)); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: needs root to install: ${packages[*]} (run with sudo, or install them yourself)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

npm ci --no-audit --no-fund

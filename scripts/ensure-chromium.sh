#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests.
# Idempotent: does nothing when it is already there. Playwright's own browser download is never
# used (`npx playwright install` needs the internet and a different, unpinned binary).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: $CHROMIUM is missing and installing it needs root" >&2
    exit 1
  fi
  echo "ensure-chromium: installing Debian's chromium package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# The Debian launcher warns about /dev/shm sizes on some machines; only the version matters here.
"$CHROMIUM" --version 2>/dev/null

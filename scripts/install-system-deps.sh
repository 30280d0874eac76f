#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (a throwaway server per run), Chromium
# for the browser tests, Nanum fonts for Korean glyphs, gettext for the translation check.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi nanum || need+=(fonts-nanum)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/usr/bin/env bash
# Debian packages cxm needs, installed only when missing.
#   venv  python3-venv, for `python3 -m venv` on a bare Debian (the demo's only need)
#   test  PostgreSQL (a throwaway server per run), Chromium for the browser tests, Nanum
#         fonts for Korean glyphs, gettext for the translation check
set -euo pipefail
need=()
for group in "${@:-test}"; do
  case "$group" in
    venv)
      "${PYTHON:-python3}" -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv) ;;
    test)
      ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
      [ -x /usr/bin/chromium ] || need+=(chromium)
      [ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
      command -v xgettext >/dev/null 2>&1 || need+=(gettext) ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "need root (or sudo) to install: ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

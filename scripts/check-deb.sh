#!/usr/bin/env bash
# Checks a built package: lintian with no errors, then installs it with apt-get on this machine, runs
# `gpmsync --version` and `man gpmsync`, and removes it, checking that nothing of it is left.
# Usage: scripts/check-deb.sh PATH.deb   (as root, or with sudo)
set -euo pipefail
deb="$(readlink -f "${1:?usage: $0 PATH.deb}")"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
if dpkg -s gpmsync >/dev/null 2>&1; then
  echo "check-deb: a gpmsync package is already installed here; remove it first" >&2; exit 2
fi

echo "== lintian $(basename "$deb")"
# lintian refuses to run as root without this; --fail-on error: warnings are shown, errors fail.
lintian --allow-root --fail-on error --tag-display-limit 0 "$deb"

echo "== apt-get install"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null
version="$(dpkg-deb -f "$deb" Version)"
[ "$(/usr/bin/gpmsync --version)" = "$version" ] || { echo "check-deb: gpmsync --version is not $version" >&2; exit 1; }
MANPAGER=cat man gpmsync | grep -q "Offline-first sync" || { echo "check-deb: man gpmsync shows no page" >&2; exit 1; }
MANPAGER=cat man gpmsync-sync | grep -q "sync" || { echo "check-deb: man gpmsync-sync shows no page" >&2; exit 1; }
[ -f /usr/lib/systemd/user/gpmsync.service ] && grep -q '^ExecStart=/usr/bin/gpmsync daemon' /usr/lib/systemd/user/gpmsync.service
[ -f /usr/share/bash-completion/completions/gpmsync ]
files="$(dpkg -L gpmsync | while read -r f; do [ -f "$f" ] && echo "$f"; done)"

echo "== apt-get purge"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq gpmsync >/dev/null
for f in $files; do
  [ ! -e "$f" ] || { echo "check-deb: $f is left after removal" >&2; exit 1; }
done
! dpkg -s gpmsync >/dev/null 2>&1 || { echo "check-deb: the package is still known to dpkg" >&2; exit 1; }
echo "check-deb: $(basename "$deb") passes lintian, installs, runs, shows its man page and removes cleanly"

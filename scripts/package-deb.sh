#!/usr/bin/env bash
# Builds gpmsync_<version>_amd64.deb from the static release binary (Swift's runtime linked in; libgit2
# and git from Debian): the binary, a man page per command, bash/zsh/fish completions, the systemd user
# unit, and /usr/share/doc/gpmsync. Usage: scripts/package-deb.sh [--binary PATH] [--out DIR]
# Without --binary it runs `swift build -c release --static-swift-stdlib` first.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="" out=".build/deb"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--out DIR]" >&2; exit 2 ;;
  esac
done
if [ -z "$binary" ]; then
  swift build -c release --static-swift-stdlib --product gpmsync
  binary=".build/release/gpmsync"
fi
version="$("$binary" --version)"
arch="$(dpkg --print-architecture)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
pkg="$root/gpmsync"

install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/gpmsync" \
  "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/zsh/vendor-completions" \
  "$pkg/usr/share/fish/vendor_completions.d" "$pkg/usr/lib/systemd/user"
install -m 0755 "$binary" "$pkg/usr/bin/gpmsync"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/gpmsync"

# Completions, from ArgumentParser.
# bash-completion sources the file: no #! line.
"$binary" --generate-completion-script bash | sed '1{/^#!/d}' > "$pkg/usr/share/bash-completion/completions/gpmsync"
"$binary" --generate-completion-script zsh > "$pkg/usr/share/zsh/vendor-completions/_gpmsync"
"$binary" --generate-completion-script fish > "$pkg/usr/share/fish/vendor_completions.d/gpmsync.fish"
chmod 0644 "$pkg"/usr/share/bash-completion/completions/gpmsync "$pkg"/usr/share/zsh/vendor-completions/_gpmsync \
  "$pkg"/usr/share/fish/vendor_completions.d/gpmsync.fish

# Man pages, one per command, from each command's --help (the words the program itself shows).
date="$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}" +%Y-%m-%d)"
manpage() { # manpage NAME "SUBCOMMAND WORDS"
  local name="$1" words="$2" help
  # shellcheck disable=SC2086
  help="$("$binary" $words --help)"
  {
    echo ".TH \"$(echo "$name" | tr '[:lower:]' '[:upper:]')\" 1 \"$date\" \"gpmsync $version\" \"User Commands\""
    echo ".SH NAME"
    # The OVERVIEW paragraph, which --help wraps over several lines.
    echo "$name \\- $(printf '%s\n' "$help" | awk '/^OVERVIEW: /{sub(/^OVERVIEW: /, ""); s = $0; on = 1; next} on && /^$/{exit} on {s = s " " $0} END{print s}' | sed 's/\\/\\\\/g; s/^\.//')"
    echo ".SH DESCRIPTION"
    echo ".nf"
    # Escape what roff acts on: backslashes, and a dot or quote at the start of a line.
    printf '%s\n' "$help" | sed 's/\\/\\e/g; s/^\([.'"'"']\)/\\\&\1/'
    echo ".fi"
    if [ "$name" = gpmsync ]; then
      echo ".SH FILES"
      echo ".TP"
      echo ".I /usr/lib/systemd/user/gpmsync.service"
      echo "The daemon as a systemd user service: systemctl \\-\\-user enable \\-\\-now gpmsync.service"
      echo ".SH SEE ALSO"
      echo "/usr/share/doc/gpmsync/README.md.gz"
    fi
  } | gzip -9n > "$pkg/usr/share/man/man1/$name.1.gz"
}
manpage gpmsync ""
commands() { # the subcommands an OVERVIEW lists under SUBCOMMANDS
  "$binary" $1 --help | awk '/^SUBCOMMANDS:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{if (n++) exit}'
}
for c in $(commands ""); do
  [ "$c" = help ] && continue
  manpage "gpmsync-$c" "$c"
  for s in $(commands "$c"); do
    [ "$s" = help ] && continue
    manpage "gpmsync-$c-$s" "$c $s"
  done
done

# The daemon's user unit, pointing at the packaged binary.
sed 's|/usr/local/bin/gpmsync|/usr/bin/gpmsync|; s|cp systemd/gpmsync.service ~/.config/systemd/user/|(installed in /usr/lib/systemd/user)|' \
  systemd/gpmsync.service > "$pkg/usr/lib/systemd/user/gpmsync.service"
chmod 0644 "$pkg/usr/lib/systemd/user/gpmsync.service"

# Yams (the YAML parser) compiles its own copy of libyaml into the binary, and swift-nio-extras its own
# zlib; linking Debian's instead would need a change to those packages. Declared, with the reasons,
# rather than hidden.
install -d "$pkg/usr/share/lintian/overrides"
cat > "$pkg/usr/share/lintian/overrides/gpmsync" <<EOF
# Yams, the Swift YAML parser gpmsync uses, builds its own copy of libyaml (its CYaml target) into the
# static binary; it cannot be pointed at Debian's libyaml without changing Yams.
gpmsync: embedded-library libyaml [usr/bin/gpmsync]
# swift-nio-extras (pulled in by Hummingbird, the web server of \`gpmsync serve\` and the staff's page) vendors
# zlib as its CNIOExtrasZlib target, with hidden symbols, and SwiftPM links it into the static binary; the
# spreadsheet reader uses Debian's libz.so.1 dynamically, as the Depends line says.
gpmsync: embedded-library zlib [usr/bin/gpmsync]
EOF
chmod 0644 "$pkg/usr/share/lintian/overrides/gpmsync"

# Documentation.
gzip -9n < README.md > "$pkg/usr/share/doc/gpmsync/README.md.gz"
cat > "$pkg/usr/share/doc/gpmsync/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: gpmsync
Source: Marmara Municipalities Union, Migration Policy Center (GPM)

Files: *
Copyright: 2026 Marmara Municipalities Union (Marmara Belediyeler Birliği)
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
Comment: The binary links statically the Swift runtime and Foundation (Apache-2.0 with Runtime Library
 Exception), swift-argument-parser, swift-log, swift-metrics, swift-service-lifecycle, swift-nio,
 hummingbird and swift-nio-extras (Apache-2.0) with its copy of zlib (Zlib), Yams (MIT) with its copy of
 libyaml (MIT), Ink (MIT), ZIPFoundation (MIT) and swift-prometheus (Apache-2.0).
EOF
{
  echo "gpmsync ($version) unstable; urgency=medium"
  echo
  echo "  * Built from $(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')."
  echo
  echo " -- GPM <gpm@marmara.gov.tr>  $(date -u -R -d "$date")"
} | gzip -9n > "$pkg/usr/share/doc/gpmsync/changelog.gz"

# Shared libraries the binary needs, as Debian names them (libgit2-1.5, libc6, ...).
shlibs="$(cd "$root" && mkdir -p debian && printf 'Source: gpmsync\n\nPackage: gpmsync\nArchitecture: any\n' > debian/control \
  && dpkg-shlibdeps -O -e gpmsync/usr/bin/gpmsync 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
# libgit2 is in shlibs already when the binary links it (it does); git is what staff and servers run beside.
depends="${shlibs:-libgit2-1.5}"
case "$depends" in *libgit2-1.5*) ;; *) depends="$depends, libgit2-1.5" ;; esac
depends="$depends, git"
installed="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
cat > "$pkg/DEBIAN/control" <<EOF
Package: gpmsync
Version: $version
Architecture: $arch
Maintainer: GPM <gpm@marmara.gov.tr>
Installed-Size: $installed
Depends: $depends
Section: utils
Priority: optional
Homepage: https://marmara.gov.tr/
Description: offline-first sync of municipal migration records with GPM
 gpmsync keeps the migration records of the member municipalities of the
 Marmara Municipalities Union in step with the central repository of its
 Migration Policy Center (GPM). It validates tidy CSV tables and good-practice
 documents, records them in a local git repository, merges record by record
 and cell by cell, and submits them for review. Messages are in English and
 Turkish.
EOF
( cd "$pkg" && find usr -type f -exec md5sum {} + | sort -k2 > DEBIAN/md5sums )
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"
mkdir -p "$out"
deb="$out/gpmsync_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"

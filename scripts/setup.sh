#!/usr/bin/env bash
# Installs what gpmsync and its tests need on Debian: libgit2 (1.5), git and its daemon, sshd, iso-codes,
# frictionless-py for the differential validation test, libhxl, numpy, scipy and jsonschema for the export's
# tests, and with --tests Debian's chromium with Playwright for Python for the console's browser test,
# gitolite3, lighttpd and openssl for the server tests, and lintian for the package's check. Safe to run again.
set -euo pipefail
need=()
pkg-config --exists libgit2 2>/dev/null || need+=(libgit2-dev)
[ -x /usr/lib/git-core/git-daemon ] || need+=(git)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -f /usr/share/iso-codes/json/iso_3166-1.json ] || need+=(iso-codes)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ "${1:-}" = "--tests" ]; then
  # The servers of the end-to-end tests (gitolite over sshd; lighttpd with TLS running git http-backend,
  # certificates made with openssl) and the package's checks (dpkg-shlibdeps, lintian, man).
  servers=()
  [ -x /usr/bin/gitolite ] || servers+=(gitolite3)
  [ -x /usr/sbin/lighttpd ] || servers+=(lighttpd)
  [ -f /usr/lib/lighttpd/mod_openssl.so ] || servers+=(lighttpd-mod-openssl)
  [ -x /usr/bin/openssl ] || servers+=(openssl)
  [ -x /usr/bin/lintian ] || servers+=(lintian)
  [ -x /usr/bin/dpkg-shlibdeps ] || servers+=(dpkg-dev)
  [ -x /usr/bin/man ] || servers+=(man-db)
  [ -x /usr/bin/strip ] || servers+=(binutils)
  if [ ${#servers[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    # policy-rc.d: installing lighttpd must not start Debian's own instance on port 80.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${servers[@]}" >/dev/null
      $SUDO rm -f /usr/sbin/policy-rc.d
    else
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${servers[@]}" >/dev/null
    fi
  fi
  python3 -c 'import frictionless' 2>/dev/null || python3 -m pip install -q frictionless
  # The export's tests: libhxl's hxlvalidate (it needs six), the attacker's numpy and scipy, the DHIS2 stub's jsonschema.
  python3 -c 'import hxl, six, numpy, scipy, jsonschema' 2>/dev/null || python3 -m pip install -q libhxl six numpy scipy jsonschema
  # The console's browser test: Debian's chromium (Playwright's own browser download cannot work offline).
  browser=()
  [ -x /usr/bin/chromium ] || browser+=(chromium)
  [ -x /usr/bin/chromedriver ] || browser+=(chromium-driver)
  if [ ${#browser[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${browser[@]}" >/dev/null
  fi
  python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q playwright
  # The import tests write workbooks as staff's spreadsheets do.
  python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install -q openpyxl
fi

#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test, and builds and checks
# the Debian package.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
./scripts/check-layering.sh
swift build --build-tests
swift test --skip-build
# The Debian package: built from the static release binary, then lintian, install, run, man, remove.
./scripts/check-deb.sh "$(./scripts/package-deb.sh | tail -1)"

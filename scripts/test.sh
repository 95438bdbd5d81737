#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test. (The Debian package is
# built and checked by CI after this, `.ci/run`: a static release build is minutes more.)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
./scripts/check-layering.sh
swift build --build-tests
swift test --skip-build

#!/usr/bin/env bash
# The README's main job: installs what is missing, builds, runs `gpmsync demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release --static-swift-stdlib --product gpmsync
.build/release/gpmsync demo "$@"

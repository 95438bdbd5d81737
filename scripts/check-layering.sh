#!/usr/bin/env bash
# The layering the code promises, checked from the package graph and the sources (issue 16):
# - only Sources/Git imports the C module CLibGit2;
# - the core, its sample data and the core's tests reach no libgit2: their dependency closure in
#   `swift package describe` holds neither Git nor CLibGit2 nor GPMSync (so the core's tests link no libgit2);
# - the command line imports no Git; product targets do not depend on the test kit (the demo may use
#   the loopback servers).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
bad=$(grep -rl --include='*.swift' '^import CLibGit2' Sources Tests | grep -v '^Sources/Git/' || true)
[ -z "$bad" ] || { echo "CLibGit2 imported outside Sources/Git: $bad"; fail=1; }
bad=$(grep -rl --include='*.swift' '^import Git$' Sources/gpmsync || true)
[ -z "$bad" ] || { echo "the command line imports Git: $bad"; fail=1; }
swift package describe --type json 2>/dev/null | python3 -c '
import json, sys
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
def closure(name, seen=None):
    seen = set() if seen is None else seen
    for dep in targets.get(name, {}).get("target_dependencies", []):
        if dep not in seen:
            seen.add(dep)
            closure(dep, seen)
    return seen
failed = False
for name in ["GPMCore", "GPMSampleData", "CoreTestSupport", "GPMCoreTests", "GPMCharts", "GPMPages"]:
    reached = closure(name) & {"Git", "CLibGit2", "GPMSync"}
    print(f"{name}: depends on {sorted(closure(name))}")
    if reached:
        print(f"  reaches {sorted(reached)}: it would link libgit2")
        failed = True
# The demo may use the loopback servers (it runs a git daemon per person); nothing else shipped does.
for name in ["gpmsync", "GPMSync", "GPMDaemon", "GPMWeb"]:
    kit = {"TestSupport", "CoreTestSupport", "GPMBench", "GPMSampleData"} | (set() if name == "gpmsync" else {"LoopbackServers"})
    if closure(name) & kit:
        print(f"{name} (product code) depends on test or benchmark code")
        failed = True
sys.exit(1 if failed else 0)
' || fail=1
exit $fail

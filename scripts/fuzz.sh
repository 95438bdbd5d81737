#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer and AddressSanitizer: builds the targets of Fuzz/Targets (each compiled
# against the sources of GPMCore) and runs each for a bounded time over its seed corpus, Fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh [SECONDS per target, default 25] [TARGET…]
#
# A crash stops the script (exit 1) and leaves the input in .build/fuzz/crashes/; add it to the target's
# corpus once fixed, so it is run on every later pass. New inputs the fuzzer finds go to
# .build/fuzz/corpus/<target>/ (not into the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-25}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=($(ls Fuzz/Targets | sed 's/\.swift$//'))
fi

build=.build/fuzz
sanitize=(-sanitize=fuzzer,address)
# Yams and libyaml through SwiftPM, instrumented the same way, in a build folder of their own.
swift build --build-path "$build" --target Yams -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >/dev/null
yams=($(find "$build/debug/Yams.build" "$build/debug/CYaml.build" -name '*.o'))
flags=(-swift-version 6 "${sanitize[@]}" -parse-as-library -O -g
       -I "$build/debug/Modules" -I "$build/checkouts/Yams/Sources/CYaml/include" -I "$build/modules")

# GPMCore once, with testing enabled: the targets reach its internals with @testable import.
rm -rf "$build/crashes"
mkdir -p "$build/modules" "$build/crashes"
swiftc "${flags[@]}" -enable-testing -module-name GPMCore -wmo -c \
    -emit-module -emit-module-path "$build/modules/GPMCore.swiftmodule" \
    $(find Sources/GPMCore -name '*.swift') -o "$build/GPMCore.o"

for t in "${targets[@]}"; do
    swiftc "${flags[@]}" Fuzz/Support.swift "Fuzz/Targets/$t.swift" "$build/GPMCore.o" "${yams[@]}" -o "$build/fuzz-$t" 2>&1 \
        | grep -v 'Cannot export local symbol' || true
done

for t in "${targets[@]}"; do
    mkdir -p "$build/corpus/$t" "Fuzz/corpus/$t"
    echo "fuzz: $t for ${seconds} s"
    # SWIFT_BACKTRACE: libFuzzer reports the crash; the runtime's own backtracer would hold the pipe open.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$build/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
        "$build/corpus/$t" "Fuzz/corpus/$t" 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Fatal error|artifact_prefix|.*Test unit written)' || true
    if ls "$build/crashes/$t-"* >/dev/null 2>&1; then
        echo "fuzz: $t crashed; inputs in $build/crashes/" >&2
        exit 1
    fi
done
echo "fuzz: no crash"

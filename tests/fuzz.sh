#!/usr/bin/env bash
# Fuzzes nfv's parsers and functions with afl++ and SharpFuzz.
#
#   tests/fuzz.sh [--seconds N | --execs N] [HARNESS...]      (default: --seconds 60, every harness)
#
# Each harness (tests/Nfv.Fuzz/Harnesses.cs; `dotnet run --project tests/Nfv.Fuzz` lists them) starts from its seed
# corpus in tests/Nfv.Fuzz/Corpus/HARNESS and runs for the given time or number of executions, one after another (run two
# of these at once with different harnesses to use both cores, the second once the first is fuzzing: two builds of one
# project at once collide). Findings stay in artifacts/fuzz/HARNESS/default/; each
# crash is also copied to tests/Nfv.Fuzz/Findings/HARNESS/, where the suite replays it (SeedTests) once it is fixed.
# Ends with a table of executions, speed, paths found, crashes and hangs; exit 1 if anything crashed.
#
# Needs afl++ (Debian: afl++); installs it when run as root and it is missing. The assemblies under test are
# instrumented by the SharpFuzz tool from the repository's tool manifest (.config/dotnet-tools.json).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-V 60)
harnesses=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) limit=(-V "$2"); shift 2 ;;
        --execs) limit=(-E "$2"); shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) harnesses+=("$1"); shift ;;
    esac
done

if ! command -v afl-fuzz >/dev/null; then
    if [[ $EUID -eq 0 ]]; then
        for attempt in 1 2 3; do
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null) && break
            sleep $((attempt * 10))
        done
    fi
    command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found (Debian package afl++)" >&2; exit 2; }
fi

out=artifacts/fuzz
# Each run instruments its own copy, so two runs (one per core) do not pull the binaries from under each other.
bin=$out/bin.$$
trap 'rm -rf "$bin"' EXIT
echo "== building and instrumenting the harnesses"
dotnet publish tests/Nfv.Fuzz -c Release -o "$bin" -v quiet -nologo >/dev/null
dotnet tool restore >/dev/null
# nfv's own assemblies (the harnesses reference its libraries, not the nfv executable) and the YAML parser the
# topology harness goes through; not the harness itself.
for dll in "$bin"/Nfv.*.dll "$bin"/YamlDotNet.dll; do
    dotnet sharpfuzz "$dll" >/dev/null
done

if [[ ${#harnesses[@]} -eq 0 ]]; then
    mapfile -t harnesses < <(dotnet "$bin/nfv-fuzz.dll" | awk '{print $1}')
fi

# afl++ in a container or on a laptop: no core dump handler to check, no CPU governor to set, the target is `dotnet`.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_QUIET=1
# The first execution starts the runtime; later ones are a few milliseconds in the persistent loop.
export AFL_FORKSRV_INIT_TMOUT=60000

stat() { awk -v key="$1" '$1 == key { print $3 }' "$2"; }

results=()
failed=0
for harness in "${harnesses[@]}"; do
    seeds=tests/Nfv.Fuzz/Corpus/$harness
    [[ -d $seeds ]] || { echo "fuzz.sh: no harness '$harness' (no $seeds)" >&2; exit 2; }
    echo "== $harness (${limit[*]})"
    rm -rf "${out:?}/$harness"
    afl-fuzz -i "$seeds" -o "$out/$harness" -t 5000 -m none "${limit[@]}" -- dotnet "$bin/nfv-fuzz.dll" "$harness" >"$out/$harness.log" 2>&1 \
        || { echo "afl-fuzz failed; the end of $out/$harness.log:"; tail -20 "$out/$harness.log"; exit 1; }
    stats=$out/$harness/default/fuzzer_stats
    crashes=$(stat saved_crashes "$stats")
    results+=("$(printf '%-14s %12s %10s %8s %8s %6s' "$harness" "$(stat execs_done "$stats")" "$(stat execs_per_sec "$stats")" \
        "$(stat corpus_count "$stats")" "$crashes" "$(stat saved_hangs "$stats")")")
    if [[ $crashes != 0 ]]; then
        failed=1
        mkdir -p "tests/Nfv.Fuzz/Findings/$harness"
        for crash in "$out/$harness"/default/crashes/id*; do
            cp "$crash" "tests/Nfv.Fuzz/Findings/$harness/$(basename "$crash" | tr ':,' '-_')"
        done
        echo "   $crashes crashes, copied to tests/Nfv.Fuzz/Findings/$harness/;" \
            "reproduce: dotnet run --project tests/Nfv.Fuzz -- $harness FILE"
    fi
done

# The scratch folders of harness processes that have ended (afl kills its targets, so they cannot tidy up).
for scratch in /dev/shm/nfv-fuzz-*; do
    [[ -d $scratch && ! -d /proc/${scratch##*-} ]] && rm -rf "$scratch"
done

printf '\n%-14s %12s %10s %8s %8s %6s\n' harness executions 'execs/s' paths crashes hangs
printf '%s\n' "${results[@]}"
exit $failed

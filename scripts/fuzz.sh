#!/usr/bin/env bash
# Fuzzes the readers of files a user opens, with Jazzer, SECONDS each (default 60): docs/FUZZING.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   targets: safetensors modelWeights modelConfig trainConfig runFile
# Jazzer fuzzes one test per JVM, so each target is its own Maven run. A finding is saved as
# src/test/resources/org/tarflowlm/FileReadersFuzzTestInputs/TARGET/crash-SHA1, which the suite then
# replays; the corpus Jazzer grows is kept in .cifuzz-corpus/ (ignored) for the next run to go on from.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors modelWeights modelConfig trainConfig runFile)
mkdir -p target
failed=0
for t in "${targets[@]}"; do
  log="target/fuzz-$t.log"
  # Gson is instrumented too, so that coverage guides the mutations through the JSON parser; an input
  # slower than 10 s is a finding (JUnit's own timeout is off, else it would stop the whole run)
  if JAZZER_FUZZ=1 mvn -B -q test -Dtest="FileReadersFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.hooks=true -Djazzer.max_duration="${seconds}s" -Djazzer.instrument='org.tarflowlm.**,com.google.gson.**' \
      -Djunit.jupiter.execution.timeout.testtemplate.method.default=10s \
      -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1; then
    result="no finding"
  else
    result="FINDING or failure, see $log"
    failed=1
  fi
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
  echo "$t: ${runs:-did not fuzz}, $result"
done
exit $failed

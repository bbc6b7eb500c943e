#!/usr/bin/env bash
# The GPU path, checked in one run on a CUDA machine (a few minutes):
#   1. the -Pgpu build and `bin/tarflowlm info --device gpu` (the engine must report a GPU and run on it)
#   2. `bin/tarflowlm bench --device gpu`
#   3. `eval` of models/mixd-p1 on the GPU against the CPU figure (Java and Python), within 1e-4
#   4. a short generation on the GPU (Java and Python)
#   5. a 2-minute torchrun training of the Python trainer on CUDA (nccl), one rank per GPU
# Prints one summary and exits non-zero when any check fails.
#
#   scripts/gpu-check.sh            the real check (needs a CUDA GPU, Maven, and a CUDA torch for step 5)
#   scripts/gpu-check.sh --cpu      the same steps on the CPU (no -Pgpu build, gloo), to check the script itself
#   scripts/gpu-check.sh --twin     the PyTorch twin alone, for a machine with python3 and a CUDA torch but no JVM,
#                                   Maven, network or venv (scripts/gpu-check-twin.py: eval against the CPU,
#                                   generation, a bf16 step against float32, torchrun with nccl, throughput)
#   scripts/gpu-check.sh --twin --cpu   its dry run on the CPU (gloo, 20 s of torchrun)
#
# Environment: PYTHON (default .venv/bin/python, else python3) must import torch; TARFLOWLM_JAVA replaces
# bin/tarflowlm (then nothing is built); TRAIN_SECONDS (default 120); OUT (default a temporary folder)
# keeps the logs and the run folder.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${1:-}" = "--twin" ]; then
  shift
  # the machine's python3 where there is no .venv (a lent GPU machine); .venv's here, where python3 has no torch
  if [ -n "${PYTHON:-}" ]; then py="$PYTHON"; elif [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
  exec "$py" scripts/gpu-check-twin.py "$@"
fi
mode=gpu
[ "${1:-}" = "--cpu" ] && mode=cpu
device=$mode
out="${OUT:-$(mktemp -d /tmp/tarflowlm-gpu-check.XXXXXX)}"
mkdir -p "$out"
train_seconds="${TRAIN_SECONDS:-120}"
if [ -n "${PYTHON:-}" ]; then py="$PYTHON"; elif [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${TARFLOWLM_JAVA:-}" ]; then
  read -r -a java <<< "$TARFLOWLM_JAVA"
else
  java=(bin/tarflowlm)
  if [ "$mode" = gpu ]; then
    export TARFLOWLM_MVN_ARGS="${TARFLOWLM_MVN_ARGS:+$TARFLOWLM_MVN_ARGS }-Pgpu"
    # an older launcher caches one classpath for every profile: drop a CPU-only one so -Pgpu is built
    if [ -f target/classpath.txt ] && ! grep -q cu124 target/classpath.txt; then rm -f target/classpath.txt; fi
  fi
fi

declare -a summary
failed=0
pass() { summary+=("PASS  $1"); echo "== PASS: $1"; }
fail() { summary+=("FAIL  $1"); echo "== FAIL: $1"; failed=1; }
step() { echo; echo "== $1"; }

step "1. build and info --device $device"
if "${java[@]}" info --model models/mixd-p1 --device "$device" > "$out/info.txt" 2> "$out/info.err"; then
  cat "$out/info.txt"
  engine="$(head -1 "$out/info.txt")"
  if [ "$mode" = cpu ] || grep -Eq 'cu[0-9]+\), [1-9][0-9]* GPU\(s\), running on gpu' "$out/info.txt"; then
    pass "info: $engine"
  else
    fail "info does not run on a GPU: $engine"
  fi
else
  tail -20 "$out/info.err"; fail "info --device $device (build or engine start failed; see $out/info.err)"
fi
grep -i "doesn't match system\|bundled library" "$out/info.err" | head -3

step "2. bench --device $device"
if "${java[@]}" bench --device "$device" --train-steps 3 > "$out/bench.txt" 2> "$out/bench.err"; then
  cat "$out/bench.txt"
  pass "bench: $(tail -1 "$out/bench.txt")"
else
  tail -20 "$out/bench.err"; fail "bench --device $device"
fi

step "3. eval of mixd-p1 on $device against the CPU"
text=python/tests/fixtures/eval.txt
jbpc() { "${java[@]}" eval --model models/mixd-p1 --text "$text" --samples 4 --device "$1" --json 2>>"$out/eval.err" \
  | "$py" -c 'import json,sys; m=json.load(sys.stdin)["models"][0]; print(m["bpc"], m["iwBpc"], m["evalCharsPerSecond"])'; }
pbpc() { "$py" -m tarflowlm eval --model models/mixd-p1 --text "$text" --samples 4 --device "$1" --json 2>>"$out/eval.err" \
  | "$py" -c 'import json,sys; m=json.load(sys.stdin)["models"][0]; print(m["bpc"], m["iwBpc"], m["evalCharsPerSecond"])'; }
close() { "$py" -c 'import sys; a=[float(v) for v in sys.argv[1].split()[:2]]; b=[float(v) for v in sys.argv[2].split()[:2]]; sys.exit(0 if max(abs(x-y) for x,y in zip(a,b)) <= 1e-4 else 1)' "$1" "$2"; }
for impl in java python; do
  if [ $impl = java ]; then on_cpu="$(jbpc cpu)"; on_dev="$(jbpc "$device")"; else on_cpu="$(pbpc cpu)"; on_dev="$(pbpc "$device")"; fi
  echo "$impl: cpu bpc / iw bpc / char/s = $on_cpu; $device = $on_dev"
  if [ -n "$on_cpu" ] && [ -n "$on_dev" ] && close "$on_cpu" "$on_dev"; then
    pass "$impl eval mixd-p1: cpu ${on_cpu%% *}, $device ${on_dev%% *} bpc (within 1e-4)"
  else
    tail -5 "$out/eval.err"; fail "$impl eval mixd-p1: cpu '${on_cpu}' against $device '${on_dev}'"
  fi
done

step "4. a short generation on $device"
if "${java[@]}" generate --model models/mixd-p1 --length 64 --device "$device" > "$out/gen-java.txt" 2> "$out/gen-java.err"; then
  cat "$out/gen-java.txt"; pass "java generate: $(tail -1 "$out/gen-java.txt" | cut -c1-90)"
else
  tail -10 "$out/gen-java.err"; fail "java generate --device $device"
fi
if "$py" -m tarflowlm generate --model models/mixd-p1 --length 64 --device "$device" > "$out/gen-py.txt" 2> "$out/gen-py.err"; then
  cat "$out/gen-py.txt"; pass "python generate: $(tail -1 "$out/gen-py.txt")"
else
  tail -10 "$out/gen-py.err"; fail "python generate --device $device"
fi

step "5. torchrun training of the Python trainer on $device for ${train_seconds} s"
if [ "$mode" = gpu ]; then
  ranks="$("$py" -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)' 2>/dev/null || echo 0)"
else
  ranks=2
fi
if [ "${ranks:-0}" -lt 1 ]; then
  fail "torchrun: $py has no CUDA torch (torch.cuda.is_available() is false); install a CUDA torch wheel"
else
  splits=data/splits
  if [ ! -f "$splits/manifest.json" ]; then
    splits="$out/splits"
    "$py" -c 'import sys; from tarflowlm import corpus; corpus.from_prose(sys.argv[1], sys.argv[2])' "$root" "$splits"
  fi
  # the shipped mixd-p1 layout, validated every 100 steps on a short prefix so that 2 minutes show curves
  "$py" - "$out/train.json" <<'EOF'
import json, sys
c = json.load(open("configs/mixd-p1.train.json"))
c.update(evalEvery=100, evalChars=8192, checkpointSeconds=60)
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
  rm -rf "$out/run"
  start=$(date +%s)
  if "$py" -m torch.distributed.run --standalone --nproc_per_node="$ranks" -m tarflowlm train --config "$out/train.json" \
      --run-dir "$out/run" --splits "$splits" --device "$device" --max-seconds "$train_seconds" > "$out/train.log" 2>&1; then
    tail -4 "$out/train.log"
    # steps and training seconds from the checkpoint; characters per step from the config and the ranks
    read -r steps speed <<< "$("$py" -c 'import json,sys; from tarflowlm import safetensors
s = json.loads(safetensors.read_metadata(sys.argv[1])["state"]); c = json.load(open(sys.argv[2]))
print(s["step"], round(s["step"] * c["batch"] * c["model"]["seqLen"] * int(sys.argv[3]) / max(s["seconds"], 1e-9)))' \
      "$out/run/checkpoint.safetensors" "$out/train.json" "$ranks" 2>/dev/null)"
    rows=$(( $(wc -l < "$out/run/curves.csv" 2>/dev/null || echo 1) - 1 ))
    # on a GPU two minutes reach the first validations (every 100 steps); a CPU dry run may not
    if [ -n "$steps" ] && [ "$steps" -gt 0 ] && { [ "$mode" = cpu ] || [ "$rows" -gt 0 ]; }; then
      pass "torchrun x $ranks on $device: $steps steps, $speed char/s, $rows validations; last: $(tail -1 "$out/run/curves.csv")"
    else
      fail "torchrun x $ranks: $steps steps and $rows validations in $out/run"
    fi
    if [ -f "$out/run/best/model.safetensors" ]; then
      if "${java[@]}" info --model "$out/run/best" > "$out/info-best.txt" 2>&1; then
        pass "the Java info opens the torchrun model: $(sed -n 2p "$out/info-best.txt")"
      else
        fail "the Java info does not open $out/run/best"
      fi
    fi
  else
    tail -30 "$out/train.log"; fail "torchrun training (see $out/train.log)"
  fi
fi

echo
echo "================ gpu-check summary ($mode, $(date -u +%Y-%m-%dT%H:%MZ), logs in $out)"
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then echo "gpu-check: FAILED"; exit 1; fi
echo "gpu-check: all passed"

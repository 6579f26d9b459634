#!/usr/bin/env bash
# The capture benchmark on a GPU, in one command: GPT-2 small's shape and GPT-2 XL's (48 layers,
# 1,600 wide; random weights from create-model), in float32 and float16, with each batch's
# statistics started on the host (every activation copied out) and on the device (only what a
# neuron may keep copied out; device-summed: the power sums also summed over each batch there);
# then, where torch and transformers are installed, PyTorch's own
# forward pass on the same machine and shapes, for the side-by-side figure.
#
#   bench/gpu-capture.sh [OUT_DIR]
#
# The launcher's PyTorch engine must see the GPU: with no network, point DJL at an installed CUDA
# PyTorch (bench/device/build-djl-jni.sh says how, and which PYTORCH_* variables to export).
# Every report goes to OUT_DIR (default: bench-gpu-<date>), one file per run, and summary.txt
# gathers the forward-only and full-capture lines. Knobs, from the environment: BATCH (64),
# EXCERPTS (512), XL_EXCERPTS (256), AUTO_EXCERPTS (4096) and XL_AUTO_EXCERPTS (2048) for the runs
# at the batch sized from free memory, ROUNDS (2), XL_HEAP (96g: XL's statistics hold 307,200
# neurons' kept excerpts on the Java heap).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-bench-gpu-$(date +%Y%m%d-%H%M%S)}"
batch="${BATCH:-64}"
excerpts="${EXCERPTS:-512}"
xl_excerpts="${XL_EXCERPTS:-256}"
rounds="${ROUNDS:-2}"
mkdir -p "$out"
models="$out/models"
cli="$root/bin/neuron-explainer"

# Fails at once, plainly, where the engine sees no GPU.
"$cli" bench capture --device gpu --excerpts 1 --batch 1 --rounds 1 --no-continued \
  >"$out/gpu-check.txt" 2>&1 || { cat "$out/gpu-check.txt" >&2; exit 2; }

[ -d "$models/gpt2-small" ] || "$cli" create-model --out "$models/gpt2-small" \
  --layers 12 --width 768 --heads 12
[ -d "$models/gpt2-xl" ] || "$cli" create-model --out "$models/gpt2-xl" \
  --layers 48 --width 1600 --heads 25

run() { # name excerpts heap precision stats (host, device, or device-summed: power sums per batch)
  local file="$out/capture-$1-$4-$5-batch-$batch.txt" stats="$5" extra=""
  if [ "$5" = device-summed ]; then
    stats=device
    extra="-Dneuron.explainer.capture.batch-moments=true"
  fi
  echo "== $1, $4, statistics: $5, batch $batch" | tee "$file"
  NEURON_EXPLAINER_JAVA_OPTS="${NEURON_EXPLAINER_JAVA_OPTS:-} -Xmx$3 $extra" \
    "$cli" bench capture --model "$models/$1" --device gpu --precision "$4" --stats "$stats" \
      --batch "$batch" --excerpts "$2" --rounds "$rounds" --no-continued 2>&1 \
    | grep -v '^WARNING' | tee -a "$file" || echo "(failed: see $file)"
}

for precision in float32 float16; do
  for stats in host device device-summed; do
    run gpt2-small "$excerpts" 16g "$precision" "$stats"
    run gpt2-xl "$xl_excerpts" "${XL_HEAP:-96g}" "$precision" "$stats"
  done
done

if python3 -c "import torch, transformers" 2>/dev/null; then
  for model in gpt2-small gpt2-xl; do
    echo "== PyTorch forward, $model" | tee "$out/pytorch-$model.txt"
    python3 "$root/bench/pytorch_forward.py" --model "$models/$model" --device cuda \
      --batch "$batch" --excerpts "$excerpts" 2>&1 | tee -a "$out/pytorch-$model.txt" || true
  done
fi

# The batch sized from the GPU's free memory (bench capture prints it), on the device path, with
# enough excerpts for several such batches.
for precision in float32 float16; do
  batch=auto run gpt2-small "${AUTO_EXCERPTS:-4096}" 32g "$precision" device
  batch=auto run gpt2-xl "${XL_AUTO_EXCERPTS:-2048}" "${XL_HEAP:-96g}" "$precision" device
done

grep -h -E '^==|^batch:|^forward only|^full capture|^full / forward' "$out"/capture-*.txt \
  "$out"/pytorch-*.txt 2>/dev/null >"$out/summary.txt" || true
cat "$out/summary.txt"

#!/usr/bin/env bash
# Builds DJL's PyTorch JNI library (libdjl_torch.so) against an installed PyTorch, so that the
# capture runs on that PyTorch's libtorch, e.g. a CUDA build on a GPU machine with no network:
#
#   bench/device/build-djl-jni.sh DJL_SOURCE TORCH_DIR [JNI_INCLUDE]
#
# DJL_SOURCE: a checkout of github.com/deepjavalibrary/djl at the tag of the DJL version in the
# pom (v0.36.0). TORCH_DIR: the torch package (python3 -c "import torch,os;
# print(os.path.dirname(torch.__file__))"). JNI_INCLUDE: a folder with jni.h and jni_md.h
# (default: $JAVA_HOME/include and its linux/ folder). The library is written to TORCH_DIR/lib,
# where DJL looks for it; then run with
#
#   PYTORCH_LIBRARY_PATH=TORCH_DIR/lib PYTORCH_VERSION=<torch version> PYTORCH_FLAVOR=cu130 \
#     bin/neuron-explainer bench capture --device gpu ...
set -euo pipefail
djl="$1"; torch="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
native="$djl/engines/pytorch/pytorch-native/src/main/native"
[ -d "$native" ] || { echo "no DJL PyTorch JNI sources under $native" >&2; exit 2; }
[ -f "$torch/include/torch/torch.h" ] || [ -d "$torch/include/torch" ] || { echo "no headers under $torch/include: not a torch package" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${3:-}" ]; then
  jni=(-I "$3")
else
  java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  jni=(-I "$java_home/include" -I "$java_home/include/linux")
fi
# The JNI header, from DJL's Java declarations.
api_jar="$(ls "$root"/cli/target/lib/api-*.jar 2>/dev/null | head -1)"
javac -cp "$api_jar" -h "$work/include" -d "$work/classes" \
  -sourcepath "$djl/engines/pytorch/pytorch-engine/src/main/java" \
  "$djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
abi=$(python3 -c "import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))" 2>/dev/null || echo 1)
pids=()
for f in "$native"/*.cc; do
  g++ -O2 -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$abi" -w \
    -I "$torch/include" -I "$torch/include/torch/csrc/api/include" "${jni[@]}" \
    -I "$work/include" -I "$djl/api/src/main/native" \
    -c "$f" -o "$work/$(basename "$f" .cc).o" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
g++ -shared -o "$torch/lib/libdjl_torch.so" "$work"/*.o -L "$torch/lib" -ltorch -ltorch_cpu -lc10 \
  -Wl,-rpath,'$ORIGIN'
echo "wrote $torch/lib/libdjl_torch.so"

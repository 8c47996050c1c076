#!/usr/bin/env bash
# Regenerates Sources/RestoreNN/ONNX/Generated/onnx.pb.swift from onnx.proto (copied from the
# PyPI onnx 1.23.2 wheel, Apache-2.0). Run once when the schema changes; the output is
# committed so builds never need protoc or the swift-protobuf plugin.
# Needs: apt-get install protobuf-compiler; protoc-gen-swift built from swift-protobuf 1.39.0
# (git clone … swift-protobuf && swift build -c release --product protoc-gen-swift).
set -euo pipefail
cd "$(dirname "$0")/../.."
PLUGIN=${PROTOC_GEN_SWIFT:-protoc-gen-swift}
protoc --plugin="$(command -v "$PLUGIN" || echo "$PLUGIN")" --swift_out=Sources/RestoreNN/ONNX/Generated \
  --swift_opt=Visibility=Internal -I Tools/onnx Tools/onnx/onnx.proto

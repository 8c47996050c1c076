#!/usr/bin/env bash
# Builds the README's two library examples ("As a library") and the code of every DocC article
# (Sources/Restore/Restore.docc, one executable per article) in a scratch package that depends
# on this checkout by path, runs the README's from the checkout (their paths are relative to
# it), and checks that the RestoreLUT-only binary links neither oneDNN nor SwiftProtobuf.
#   bash Tools/check_library.sh        (CI runs it; about a minute on top of the main build)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-$(mktemp -d)}
# A path dependency is known by its folder name (lowercased), whatever the clone is called.
PKG=$(basename "$REPO" | tr "[:upper:]" "[:lower:]")
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/Sources/readme-pipeline" "$SCRATCH/Sources/readme-lut"
# The first and second ```swift blocks after "## As a library", verbatim.
python3 - "$REPO/README.md" "$SCRATCH/Sources" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## As a library"):]
blocks = re.findall(r"```swift\n(.*?)```", section, re.S)
assert len(blocks) >= 2, "the README's library section lost its examples"
open(sys.argv[2] + "/readme-pipeline/main.swift", "w").write(blocks[0])
open(sys.argv[2] + "/readme-lut/main.swift", "w").write(blocks[1])
PY
# Each DocC article's ```swift blocks, in order, as one program.
DOCC_TARGETS=$(python3 - "$REPO/Sources/Restore/Restore.docc" "$SCRATCH/Sources" <<'PY'
import os, re, sys
names = []
for f in sorted(os.listdir(sys.argv[1])):
    if not f.endswith(".md"): continue
    blocks = re.findall(r"```swift\n(.*?)```", open(os.path.join(sys.argv[1], f)).read(), re.S)
    if not blocks: continue
    name = "docc-" + f[:-3].lower()
    os.makedirs(os.path.join(sys.argv[2], name), exist_ok=True)
    open(os.path.join(sys.argv[2], name, "main.swift"), "w").write("\n".join(blocks))
    names.append(name)
print(" ".join(names))
PY
)
DOCC_LINES=""
for t in $DOCC_TARGETS; do
  DOCC_LINES="$DOCC_LINES        .executableTarget(name: \"$t\", dependencies: [.product(name: \"Restore\", package: \"$PKG\"), .product(name: \"RestoreLUT\", package: \"$PKG\")]),
"
done
cat > "$SCRATCH/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "scratch",
    dependencies: [.package(path: "$REPO")],
    targets: [
        .executableTarget(name: "readme-pipeline", dependencies: [.product(name: "Restore", package: "$PKG")]),
        .executableTarget(name: "readme-lut", dependencies: [.product(name: "RestoreLUT", package: "$PKG")]),
$DOCC_LINES    ]
)
SWIFT
swift build --package-path "$SCRATCH" 2>&1 | tail -3
BIN=$(swift build --package-path "$SCRATCH" --show-bin-path)
cd "$REPO"
env -u RESTORE_DATA_DIR -u RESTORE_CONFIG "$BIN/readme-pipeline"
"$BIN/readme-lut"
if ldd "$BIN/readme-lut" | grep -q dnnl; then echo "readme-lut links oneDNN" >&2; exit 1; fi
if nm "$BIN/readme-lut" 2>/dev/null | grep -q SwiftProtobuf; then echo "readme-lut contains SwiftProtobuf" >&2; exit 1; fi
ldd "$BIN/readme-pipeline" | grep -q dnnl || { echo "readme-pipeline should link oneDNN (check is broken)" >&2; exit 1; }
echo "library examples: README's built and ran, DocC articles' built ($DOCC_TARGETS); RestoreLUT alone links neither oneDNN nor SwiftProtobuf"

#!/usr/bin/env bash
# Regenerates Shared/Schemas/Generated/*.pb.swift from Shared/Schemas/proto/keel/v1/*.proto.
#
# The generated Swift is committed: run this after editing a .proto and commit both.
# It takes ~10 minutes on a busy 2-core machine (about 2 when idle), almost all of it building protoc-gen-swift
# (release) from the swift-protobuf version this package resolves, so the generated code
# always matches the SwiftProtobuf runtime it compiles against. To skip that build, point
# PROTOC_GEN_SWIFT at an existing protoc-gen-swift of the same version:
#
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Shared/Schemas/generate.sh
#
# Needs: protoc (Debian: protobuf-compiler), swift. The plugin build uses the scratch path
# .build-protoc-gen-swift at the repository root (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
proto_dir="$here/proto"
out_dir="$here/Generated"

command -v protoc >/dev/null || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
    scratch="$root/.build-protoc-gen-swift"
    echo "generate.sh: resolving packages to find the swift-protobuf version" >&2
    swift package --package-path "$root" --scratch-path "$scratch" resolve
    checkout="$scratch/checkouts/swift-protobuf"
    [[ -f "$checkout/Package.swift" ]] || { echo "generate.sh: no swift-protobuf checkout at $checkout" >&2; exit 1; }
    echo "generate.sh: building protoc-gen-swift from $checkout (release, ~10 minutes)" >&2
    swift build -c release --product protoc-gen-swift \
        --package-path "$checkout" --scratch-path "$scratch/protoc-gen-swift"
    plugin="$scratch/protoc-gen-swift/release/protoc-gen-swift"
fi
[[ -x "$plugin" ]] || { echo "generate.sh: $plugin is not an executable protoc-gen-swift" >&2; exit 1; }
echo "generate.sh: using $("$plugin" --version) and $(protoc --version)" >&2

# Generate into a temporary directory and swap it in only on success.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
protos=("$proto_dir"/keel/v1/*.proto)
(( ${#protos[@]} > 0 )) || { echo "generate.sh: no .proto files under $proto_dir/keel/v1" >&2; exit 1; }
protoc \
    --plugin="protoc-gen-swift=$plugin" \
    --proto_path="$proto_dir" \
    --swift_out="$tmp" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=DropPath \
    "${protos[@]}"

mkdir -p "$out_dir"
rm -f "$out_dir"/*.pb.swift
mv "$tmp"/*.pb.swift "$out_dir"/
echo "generate.sh: wrote $(ls "$out_dir"/*.pb.swift | wc -l) files to $out_dir" >&2

#!/usr/bin/env bash
# The e2e tier (npm run test:e2e): builds or reuses the real components
# (build.sh: kube-apiserver, kube-controller-manager, etcd, pilot-discovery,
# istioctl, from the Go module proxy), unpacks kubectl and helm, and runs the
# tier's tests (test/e2e/*.e2e.ts) with vitest. Needs Go (see test/e2e/README.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${E2E_CACHE:-$HOME/.cache/cdk8s-istio-multicluster-e2e}
command -v go >/dev/null || { echo "test:e2e needs Go 1.26 or later (go: not found)" >&2; exit 1; }
eval "$("$here/build.sh")"
# shellcheck source=tools.sh
source "$here/tools.sh"
cd "$repo"
exec npx vitest run --config vitest.e2e.config.mts "$@"

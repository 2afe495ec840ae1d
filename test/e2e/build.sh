#!/usr/bin/env bash
# Builds the programs of the e2e tier from the Go module proxy into a cache,
# skipping every component already there:
#   kubernetes-<ver>/   kube-apiserver, kube-controller-manager (k8s.io/kubernetes)
#   harness-<hash>/     kube (one cluster) and istiod (pilot-discovery as a local
#                       process), from ./harness/cmd
#   istio-<label>/      pilot-discovery (istiod), istioctl, and charts/ (Istio's Helm charts)
# Needs only Go and the module proxy. Logs go to stderr; stdout gets shell
# assignments for the callers, so `eval "$(test/e2e/build.sh)"` exports
# KUBE_BIN_DIR, E2E_HARNESS_BIN, ISTIO_BIN_DIR and ISTIO_CHARTS.
#
# Environment:
#   E2E_CACHE                 cache root (default ~/.cache/cdk8s-istio-multicluster-e2e)
#   E2E_ISTIO_MODULE_VERSION  istio.io/istio module version to build (see ISTIO_* below)
#   E2E_ISTIO_LABEL           name of that version in the cache and in `istioctl version`
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
harness=$here/harness
cache=${E2E_CACHE:-$HOME/.cache/cdk8s-istio-multicluster-e2e}

# Istio tags have no "v", so the proxy knows them only as pseudo-versions.
# 1.30.3 (commit 56df41f63e51) is v0.0.0-20260713165634-56df41f63e51, but the
# module proxy reachable here refuses it (403); the default is the newest
# version it serves, a release-1.31 branch commit (VERSION file: 1.31).
ISTIO_MODULE_VERSION=${E2E_ISTIO_MODULE_VERSION:-v0.0.0-20260827124520-eed52ebb66ad}
ISTIO_LABEL=${E2E_ISTIO_LABEL:-1.31-eed52ebb66ad}

# Builds are static and reproducible-ish; GOWORK/GOFLAGS from the caller's
# environment must not change what a cache entry holds.
export CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"

# The Kubernetes release is the one harness/go.mod requires, so the staging
# modules it replaces there always match the binaries built here.
K8S_VERSION=$(cd "$harness" && go list -m -f '{{.Version}}' k8s.io/kubernetes)

log() { printf 'build.sh: %s\n' "$*" >&2; }

# A failed build leaves no half-filled staging directory behind.
out=
trap '[[ -z $out ]] || rm -rf "$out"' EXIT

# build_into DIR CMD...: runs CMD with $out set to a fresh staging directory and
# moves it to DIR only when CMD succeeded, so a cache entry is always whole.
build_into() {
	local dir=$1; shift
	if [[ -f $dir/.complete ]]; then
		log "cached: $dir"
		return
	fi
	mkdir -p "$(dirname "$dir")"
	out=$(mktemp -d "$dir.tmp.XXXXXX")
	local start=$SECONDS
	"$@"
	date -u +%FT%TZ >"$out/.complete"
	rm -rf "$dir"
	mv "$out" "$dir"
	out=
	log "built $dir in $((SECONDS - start))s"
}

build_kubernetes() {
	local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
	# Without these the binaries report v0.0.0-master, which version checks
	# (Helm's kubeVersion, kubectl's skew warning) would take at face value.
	local ldflags="-s -w"
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
	done
	(cd "$harness" && go build -trimpath -ldflags="$ldflags" -o "$out/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
}

build_harness() {
	(cd "$harness" && go build -trimpath -o "$out/" ./cmd/...)
}

build_istio() {
	# Built inside the module's own source tree (read-only in the module
	# cache, which a build does not mind) so that its go.mod, replace
	# directives included, rules, as in Istio's own build.
	local src
	src=$(go mod download -json "istio.io/istio@$ISTIO_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[[ -n $src ]] || { log "istio.io/istio@$ISTIO_MODULE_VERSION: no source directory"; return 1; }
	(cd "$src" && go build -trimpath \
		-ldflags="-s -w -X istio.io/istio/pkg/version.buildVersion=$ISTIO_LABEL -X istio.io/istio/pkg/version.buildGitRevision=$ISTIO_MODULE_VERSION -X istio.io/istio/pkg/version.buildStatus=Clean" \
		-o "$out/" ./pilot/cmd/pilot-discovery ./istioctl/cmd/istioctl)
	# A copy, so the charts outlive `go clean -modcache`; writable so that
	# the cache can be deleted without a chmod.
	cp -R "$src/manifests/charts" "$out/charts"
	chmod -R u+w "$out/charts"
	printf '%s\n' "istio.io/istio@$ISTIO_MODULE_VERSION" >"$out/SOURCE"
}

harness_hash=$(cd "$harness" && find go.mod go.sum cmd internal -type f \( -name '*.go' -o -name 'go.*' \) -print0 |
	sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)

kube_dir=$cache/kubernetes-$K8S_VERSION
harness_dir=$cache/harness-$harness_hash
istio_dir=$cache/istio-$ISTIO_LABEL

build_into "$kube_dir" build_kubernetes
build_into "$harness_dir" build_harness
# Each change of the harness sources makes a new entry: drop the others.
find "$cache" -maxdepth 1 -name 'harness-*' ! -name "harness-$harness_hash" ! -name '*.tmp.*' -exec rm -rf {} +
build_into "$istio_dir" build_istio

cat <<EOF
export KUBE_BIN_DIR=$kube_dir
export E2E_HARNESS_BIN=$harness_dir
export ISTIO_BIN_DIR=$istio_dir
export ISTIO_CHARTS=$istio_dir/charts
EOF

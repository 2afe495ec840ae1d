import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SailIstio } from '../../constructs/sail/sail-istio';
import { SAIL_CNI_NAMESPACE, SailIstioCni } from '../../constructs/sail/sail-istio-cni';
import { SAIL_ZTUNNEL_NAMESPACE, SailZTunnel } from '../../constructs/sail/sail-ztunnel';
import { DataPlaneMode } from '../../model/mesh-spec';
import { installedClusters, MeshPlan } from '../../plan/mesh-plan';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { commonLabels } from '../labels';
import { namespaceDir, sailIstioDir } from '../layout';
import { ManifestChart } from '../manifest-chart';
import { OutputDirectory } from '../output-directory';
import { ClusterRole } from '../../plan/cluster-role';
import { code } from '../markdown';
import { DeliveryFormat, DeliveryReadmeContext } from './format';

/** The files of each cluster's Sail directory: the `Istio`, and in an ambient mesh the `IstioCNI` and `ZTunnel`. */
export const SAIL_ISTIO_FILE = 'istio.yaml';
export const SAIL_CNI_FILE = 'istio-cni.yaml';
export const SAIL_ZTUNNEL_FILE = 'ztunnel.yaml';

/** The profile of an external istiod's `Istio` resource: no values of its own, so that only the install values count. */
const EXTERNAL_ISTIOD_SAIL_PROFILE = 'empty';

/**
 * The `global` values the `IstioCNI` and `ZTunnel` resources take (sailoperator.io/v1): image
 * and logging settings. The mesh's identity (`meshID`, `multiCluster`, `network`) is not among
 * them; ztunnel gets its cluster and network under `ztunnel`, and the rest from the `Istio`.
 */
export const SAIL_GLOBAL_VALUE_KEYS: Record<'IstioCNI' | 'ZTunnel', readonly string[]> = {
  IstioCNI: ['defaultResources', 'hub', 'imagePullPolicy', 'imagePullSecrets', 'logAsJson', 'logging', 'nativeNftables', 'platform', 'tag', 'variant'],
  ZTunnel: ['defaultResources', 'hub', 'imagePullPolicy', 'imagePullSecrets', 'logAsJson', 'logging', 'platform', 'tag', 'variant'],
};

/**
 * The Sail Operator's install of every cluster, when the mesh asks for it: one `Istio` resource
 * per cluster, carrying the cluster's install values unchanged, so that the operator installs
 * what istioctl and Helm would. The values' `profile` is the resource's own field. With an
 * external control plane, the external cluster gets one too (the `empty` profile: istiod alone),
 * and every resource installs into the external control plane's namespace.
 *
 * In an ambient mesh each cluster also gets an `IstioCNI` and a `ZTunnel`, each in the namespace
 * its CRD defaults to and the operator's ambient guides use (`istio-cni`, `ztunnel`): the
 * operator installs each chart into an existing namespace only, so both namespaces come with
 * them, and istiod, which issues certificates only to a ztunnel in its own namespace unless told
 * another (`pilot.trustedZtunnelNamespace`), is told `ztunnel`. The values model's `ztunnel` and
 * `cni` sections, which the `Istio` resource's values do not take, go to those resources.
 */
export function renderSail(scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>): OutputDirectory[] {
  const version = mesh.delivery.sailVersion;
  if (version === undefined) return [];
  const ambient = mesh.dataPlaneMode === DataPlaneMode.AMBIENT;
  // Its own scope: the mesh's other renderers own the `Cluster-<name>` ids directly below it.
  const sailScope = new Construct(scope, 'Sail');
  return installedClusters(mesh).map((cluster): OutputDirectory => {
    const clusterValues = values.get(cluster.name);
    if (clusterValues === undefined) throw new Error(`no install values for cluster ${cluster.name}`);
    const chart = new ManifestChart(sailScope, `Cluster-${cluster.name}`, { labels: commonLabels(mesh.meshId, cluster.name, 'install') });
    const { profile, ...helmValues } = clusterValues;
    if (ambient) {
      renderAmbient(chart, version, clusterValues);
    } else {
      chart.addFile(SAIL_ISTIO_FILE, new SailIstio(chart, 'SailIstio', {
        version,
        // An external istiod is the istiod chart alone, as istioctl's `empty` profile with pilot installs it.
        profile: cluster.role === 'external' ? EXTERNAL_ISTIOD_SAIL_PROFILE : profile,
        namespace: mesh.istioNamespace,
        values: helmValues,
      }));
    }
    const dir = sailIstioDir(cluster.name);
    return {
      path: dir,
      chart,
      header: `The Sail Operator's install of the ${cluster.role} cluster ${cluster.name} of mesh ${mesh.meshId}` +
        `${ambient ? ', ambient mode: istiod, and istio-cni and ztunnel in namespaces of their own (created here);' : ':'} ` +
        `kubectl apply -f ${dir}/ once the operator runs and ${namespaceDir(cluster.name)}/ is applied`,
    };
  });
}

/** An ambient cluster's `Istio`, `IstioCNI` and `ZTunnel`, the latter two each with its namespace, a file each. */
function renderAmbient(chart: ManifestChart, version: string, clusterValues: IstioInstallValues): void {
  const { profile, ztunnel, cni, ...istioValues } = clusterValues;
  const pilot = { ...istioValues.pilot, trustedZtunnelNamespace: SAIL_ZTUNNEL_NAMESPACE };
  const istio = chart.addFile(SAIL_ISTIO_FILE, new SailIstio(chart, 'SailIstio', { version, profile, values: { ...istioValues, pilot } }));

  const cniFile = chart.addFile(SAIL_CNI_FILE, new Construct(chart, 'IstioCni'));
  new k8s.KubeNamespace(cniFile, 'Namespace', { metadata: { name: SAIL_CNI_NAMESPACE } });
  new SailIstioCni(cniFile, 'SailIstioCni', {
    version, profile, namespace: SAIL_CNI_NAMESPACE,
    values: sailValues({ cni, global: pickKeys(clusterValues.global, SAIL_GLOBAL_VALUE_KEYS.IstioCNI) }),
  });

  const ztunnelFile = chart.addFile(SAIL_ZTUNNEL_FILE, new Construct(chart, 'ZTunnel'));
  new k8s.KubeNamespace(ztunnelFile, 'Namespace', { metadata: { name: SAIL_ZTUNNEL_NAMESPACE } });
  // The cluster's name and network are the ztunnel chart's own values; the Istio resource gives the
  // rest of its global values, its mesh config and its revision (operators from 1.30 on).
  new SailZTunnel(ztunnelFile, 'SailZTunnel', {
    version, namespace: SAIL_ZTUNNEL_NAMESPACE, istio: istio.name,
    values: sailValues({ ztunnel, global: pickKeys(clusterValues.global, SAIL_GLOBAL_VALUE_KEYS.ZTunnel) }),
  });
}

/** The keys of `values` that are among `keys`; undefined when there are none. */
function pickKeys(values: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> | undefined {
  const picked = Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key)));
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** The sections that have values; undefined when none has. */
function sailValues(sections: Record<string, unknown>): Record<string, unknown> | undefined {
  const present = Object.fromEntries(Object.entries(sections).filter(([, v]) => v !== undefined));
  return Object.keys(present).length > 0 ? present : undefined;
}

/** The README's section on installing with the Sail Operator. */
function sailReadme(r: DeliveryReadmeContext): void {
  const { out, mesh } = r;
  const version = mesh.delivery.sailVersion!;
  const ambient = mesh.dataPlaneMode === DataPlaneMode.AMBIENT;
  out.p('', '## Installing with the Sail Operator', '');
  out.p(`${code(sailIstioDir('<cluster>') + '/')} holds each cluster's install as the Sail Operator's ${code('Istio')} resource ` +
    (ambient ? `(profile ${code('ambient')}), its ${code('IstioCNI')} and its ${code('ZTunnel')} ` : '') +
    `(version ${code(version)}), with the same values as the istioctl and Helm inputs. Install the Sail Operator in every cluster ` +
    `(a release that lists ${code(version)}), then follow the steps above, replacing each cluster's istioctl or Helm commands with:`, '');
  const waits = ambient ? ['istio/default', 'istiocni/default', 'ztunnel/default'] : ['istio/default'];
  // With an external control plane, in its order: the config cluster, the external istiod, the remotes.
  const ecp = mesh.externalControlPlane;
  const order = ecp ? [ecp.configCluster, ecp.name, ...mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE).map((c) => c.name)]
    : r.installed.map((c) => c.name);
  out.bash(order.flatMap((c) => [
    `kubectl --context=${r.ctx(c)} apply -f ${sailIstioDir(c)}/`,
    ...waits.map((resource) => `kubectl --context=${r.ctx(c)} wait ${resource} --for=condition=Ready --timeout=10m`),
  ]));
  if (ecp) {
    out.p('', `The external cluster's ${code('Istio')} has the ${code('empty')} profile: istiod alone, with the values of ${code(`install/${ecp.name}/helm/istiod.values.yaml`)}; ` +
      `its pod waits for ${code('istio-kubeconfig')}, so create that first, as above.`);
  }
  if (ambient) {
    out.p('', `As the operator's ambient guides do, istio-cni runs in the namespace ${code(SAIL_CNI_NAMESPACE)} and ztunnel in ${code(SAIL_ZTUNNEL_NAMESPACE)} ` +
      `(both created by these files, not by the operator), and istiod trusts ztunnel there (${code(`pilot.trustedZtunnelNamespace: ${SAIL_ZTUNNEL_NAMESPACE}`)}); ` +
      `with ${code('meshConfig.discoverySelectors')}, those selectors must also select ${code(SAIL_ZTUNNEL_NAMESPACE)}, or istiod signs no certificate for ztunnel.`);
  }
  out.p('', 'A GitOps tool can apply these directories in place of the Helm releases, in the same order.');
}

/** The Sail Operator's resources in place of the Helm releases: each cluster's `install/<cluster>/sail/`. */
export const SAIL_FORMAT: DeliveryFormat = {
  enabled: (mesh) => mesh.delivery.sailVersion !== undefined,
  render: renderSail,
  readme: sailReadme,
  clusterOfPath: (path) => /^install\/([^/]+)\/sail\//.exec(path)?.[1],
};

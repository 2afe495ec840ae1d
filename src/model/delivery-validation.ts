import { FluxMode } from './delivery-spec';
import { longestDeliveryObjectName } from './delivery-names';
import {
  dns1123LabelProblem, dns1123SubdomainProblem, gitBranchProblem, gitUrlProblem, goDurationProblem, httpsUrlProblem, repositoryPath,
  SCP_LIKE_GIT_ADDRESS,
} from './formats';
import { IstioVersion } from './istio-version';
import { ClusterSpec, DEFAULT_MESH_ID, MeshSpec } from './mesh-spec';
import { newestSailVersions, sailIstioVersion } from './sail-versions';

/** Records one problem: field path, message, and the cluster it is about. */
export type AddProblem = (field: string, message: string, cluster?: string) => void;

/** Argo CD's name for the cluster it runs in. */
const ARGO_CD_IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Checks the delivery section and every cluster's delivery options: settings a GitOps tool
 * needs, clusters it cannot address (or would address twice), names it cannot take, and an
 * Istio version the chosen delivery cannot install.
 */
export function checkDelivery(spec: MeshSpec, clusters: (ClusterSpec | null)[], version: IstioVersion | undefined, add: AddProblem) {
  const delivery = spec.delivery ?? {};
  const argoCd = delivery.argoCd !== undefined;
  const flux = delivery.flux !== undefined;
  const fluxMode = delivery.flux?.mode ?? FluxMode.HUB;
  const repo = delivery.repository;

  if ((argoCd || flux) && repo === undefined) {
    add('delivery.repository', `is required by ${[argoCd ? 'delivery.argoCd' : '', flux ? 'delivery.flux' : ''].filter(Boolean).join(' and ')}, ` +
      'which read the output from Git: give the repository\'s url and the path the output is committed under');
  }
  if (repo !== undefined) {
    if (repo.url !== undefined) {
      const reason = gitUrlProblem(repo.url);
      if (reason) add('delivery.repository.url', `"${repo.url}" ${reason}`);
      else if (flux && SCP_LIKE_GIT_ADDRESS.test(repo.url)) {
        const [user, rest] = repo.url.split('@');
        const [host, ...path] = rest.split(':');
        add('delivery.repository.url', `"${repo.url}" is an scp-like address, which Flux does not read; write it as ssh://${user}@${host}/${path.join(':')}`);
      }
    }
    if (repo.branch !== undefined) {
      const reason = gitBranchProblem(repo.branch);
      if (reason) add('delivery.repository.branch', `"${repo.branch}" ${reason}`);
    }
    if (repo.path !== undefined) {
      const checked = repositoryPath(repo.path);
      if ('problem' in checked) add('delivery.repository.path', `"${repo.path}" ${checked.problem}`);
    }
  }

  const namespaceField = (field: string, value: string | undefined) => {
    const reason = value === undefined ? undefined : dns1123LabelProblem(value);
    if (reason) add(field, `"${value}" ${reason}`);
  };
  namespaceField('delivery.argoCd.namespace', delivery.argoCd?.namespace);
  namespaceField('delivery.argoCd.project', delivery.argoCd?.project);
  namespaceField('delivery.flux.namespace', delivery.flux?.namespace);
  if (delivery.flux?.gitSecretName !== undefined) {
    const reason = dns1123SubdomainProblem(delivery.flux.gitSecretName);
    if (reason) add('delivery.flux.gitSecretName', `"${delivery.flux.gitSecretName}" ${reason}`);
  }
  if (delivery.flux?.interval !== undefined) {
    const reason = goDurationProblem(delivery.flux.interval);
    if (reason) add('delivery.flux.interval', `"${delivery.flux.interval}" ${reason}`);
  }
  const hub = delivery.flux?.hubCluster;
  if (hub !== undefined) {
    if (fluxMode !== FluxMode.HUB) {
      add('delivery.flux.hubCluster', 'is set, but Flux runs in every cluster (mode FluxMode.PER_CLUSTER); remove it, or use FluxMode.HUB');
    } else if (!clusters.some((c) => c?.name === hub) && spec.externalControlPlane?.name !== hub) {
      add('delivery.flux.hubCluster', `names "${hub}", which is not a cluster of this mesh${spec.externalControlPlane ? ' nor its external cluster' : ''}; ` +
        'name the cluster Flux runs in, or leave it out for a management cluster outside the mesh');
    }
  }

  if (delivery.sailOperator === true && version !== undefined && sailIstioVersion(version) === undefined) {
    add('istioVersion', `Istio ${version.text} is not a version the Sail Operator's Istio resource lists, so delivery.sailOperator cannot install it; ` +
      `use one it lists (the newest: ${newestSailVersions(4).map((v) => v.slice(1)).join(', ')}) or turn delivery.sailOperator off`);
  }

  const argoDestinations = new Map<string, string>();
  const kubeConfigSecrets = new Map<string, string>();
  // The external cluster of an external control plane is delivered too, and addressed the same way.
  const ecp = spec.externalControlPlane;
  const delivered = [
    ...clusters.map((c, i) => (c === null ? null : { name: c.name, options: c.delivery, field: `clusters[${i}]` })),
    ...(ecp?.name !== undefined ? [{ name: ecp.name, options: ecp.delivery, field: 'externalControlPlane' }] : []),
  ];
  delivered.forEach((c) => {
    if (c === null) return;
    const at = (field: string) => `${c.field}.delivery.${field}`;
    const options = c.options ?? {};
    if ((argoCd || flux) && c.name !== undefined) {
      const longest = longestDeliveryObjectName(spec.meshId ?? DEFAULT_MESH_ID, c.name);
      if (longest.length > 63) {
        add(`${c.field}.name`, `gives Argo CD or Flux objects names of up to ${longest.length} characters ("${longest}"), over the 63 of the labels ` +
          'they are written to; shorten the mesh ID or the cluster name', c.name);
      }
    }
    if (options.argoCdClusterName !== undefined || options.argoCdServer !== undefined) {
      if (!argoCd) {
        add(at(options.argoCdServer !== undefined ? 'argoCdServer' : 'argoCdClusterName'), 'is set, but the mesh is not delivered with Argo CD; set delivery.argoCd, or remove it', c.name);
      }
      if (options.argoCdClusterName !== undefined && options.argoCdServer !== undefined) {
        add(at('argoCdServer'), 'is set together with argoCdClusterName; Argo CD addresses a cluster by one of them, so keep one', c.name);
      }
    }
    if (options.argoCdServer !== undefined) {
      const reason = options.argoCdServer === ARGO_CD_IN_CLUSTER_SERVER ? undefined : httpsUrlProblem(options.argoCdServer);
      if (reason) add(at('argoCdServer'), `"${options.argoCdServer}" ${reason}`, c.name);
    }
    if (options.argoCdClusterName !== undefined && options.argoCdClusterName.trim() === '') {
      add(at('argoCdClusterName'), 'must not be empty', c.name);
    }
    if (argoCd && c.name !== undefined) {
      const destination = options.argoCdServer !== undefined ? `server ${options.argoCdServer}` : `name ${options.argoCdClusterName ?? c.name}`;
      const other = argoDestinations.get(destination);
      if (other !== undefined) {
        add(at(options.argoCdServer !== undefined ? 'argoCdServer' : 'argoCdClusterName'), `addresses the same Argo CD cluster (${destination}) as cluster "${other}": ` +
          'both clusters\' objects would go to one cluster; give each cluster its own registration', c.name);
      } else {
        argoDestinations.set(destination, c.name);
      }
    }

    if (options.fluxKubeConfigSecret !== undefined) {
      const reason = dns1123SubdomainProblem(options.fluxKubeConfigSecret);
      if (reason) add(at('fluxKubeConfigSecret'), `"${options.fluxKubeConfigSecret}" ${reason}`, c.name);
      if (!flux || fluxMode !== FluxMode.HUB) {
        add(at('fluxKubeConfigSecret'), 'is set, but no hub Flux reconciles this cluster; set delivery.flux with mode FluxMode.HUB, or remove it', c.name);
      } else if (hub === c.name) {
        add(at('fluxKubeConfigSecret'), 'is set on the hub cluster, which Flux reconciles without a kubeconfig; remove it, or change delivery.flux.hubCluster', c.name);
      }
    }
    if (flux && fluxMode === FluxMode.HUB && c.name !== undefined && hub !== c.name) {
      const secret = options.fluxKubeConfigSecret ?? `${c.name}-kubeconfig`;
      const other = kubeConfigSecrets.get(secret);
      if (other !== undefined) {
        add(at('fluxKubeConfigSecret'), `names the kubeconfig Secret "${secret}" that cluster "${other}" uses: both clusters' objects would go to one cluster; ` +
          'give each cluster its own Secret', c.name);
      } else {
        kubeConfigSecrets.set(secret, c.name);
      }
    }
  });
}

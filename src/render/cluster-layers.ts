/**
 * The layers of a cluster's output: one row per directory of objects, with the chart it holds,
 * the step of the procedure that applies it, and the header of its files. The mesh's directories
 * are laid out from this table, so that a new layer of output is one row here (and its chart).
 */
import { DeliveryStage } from '../model/delivery-names';
import { ClusterCharts } from './cluster-charts';
import { credentialsDir, meshObjectsDir, monitoringDir, namespaceDir, remoteSecretsDir, trafficDir, trustDir, verifyDir } from './layout';

/** One directory of a cluster's objects. */
export interface ClusterLayer {
  /** The chart of `ClusterCharts` whose files the directory holds. */
  readonly chart: keyof ClusterCharts;
  /** The directory, relative to the mesh's directory. */
  readonly dir: (cluster: string) => string;
  /**
   * Its name in the `Kustomization` of `clusters/<cluster>/`, which applies the cluster's layers in
   * this table's order; undefined for a directory kept apart (the verification workloads).
   */
  readonly subdirectory?: string;
  /** The step of the procedure that applies it; undefined for one that no step applies. */
  readonly stage?: DeliveryStage;
  /** The comment at the top of its files, for the cluster described by `about`. */
  readonly header: (about: string, dir: string) => string;
}

/** Every layer, in the order `kubectl apply -k clusters/<cluster>` applies them. */
export const CLUSTER_LAYERS: readonly ClusterLayer[] = [
  {
    chart: 'namespace', dir: namespaceDir, subdirectory: 'namespace', stage: DeliveryStage.NAMESPACE,
    header: (about, dir) => `Applied before the control plane of the ${about}: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'trust', dir: trustDir, subdirectory: 'trust', stage: DeliveryStage.TRUST,
    header: (about, dir) => `cert-manager's intermediate CA of the ${about}, before its control plane: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'credentials', dir: credentialsDir, subdirectory: 'credentials', stage: DeliveryStage.CREDENTIALS,
    header: (about, dir) => `The reader token of the ${about}, published for the primaries that read it: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'remoteSecrets', dir: remoteSecretsDir, subdirectory: 'remote-secrets', stage: DeliveryStage.REMOTE_SECRETS,
    header: (about, dir) => `The remote secrets of the ${about}, from the secret store: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'manifests', dir: meshObjectsDir, subdirectory: 'mesh', stage: DeliveryStage.OBJECTS,
    header: (about, dir) => `Applied once the control plane of the ${about} runs: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'traffic', dir: trafficDir, subdirectory: 'traffic', stage: DeliveryStage.TRAFFIC,
    header: (about, dir) => `The traffic policies read by the istiod of the ${about}, applied last: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'monitoring', dir: monitoringDir, subdirectory: 'monitoring', stage: DeliveryStage.MONITORING,
    header: (about, dir) => `Scrape configuration and alerts of the ${about}, for the Prometheus Operator: kubectl apply -f ${dir}/`,
  },
  {
    chart: 'verification', dir: verifyDir,
    header: (about, dir) => `Verification workloads of the ${about}: kubectl apply -f ${dir}/`,
  },
];

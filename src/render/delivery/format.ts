/**
 * A delivery format (Argo CD, Flux, the Sail Operator): what the mesh's output holds for it, its
 * section of the generated README, and which of the output's files are its. A new format is one
 * file implementing this, listed in `formats.ts`, plus its part of the mesh description and its
 * validation in the model.
 */
import { Construct } from 'constructs';
import { DeliveryStage } from '../../model/delivery-names';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { InstalledCluster, MeshPlan } from '../../plan/mesh-plan';
import { DeliveryStep, RepositoryPlan } from '../../plan/delivery-plan';
import { Lines } from '../markdown';
import { OutputDirectory } from '../output-directory';

/** Titles of the kubectl path's sections that the delivery sections send users to. */
export interface KubectlSections {
  readonly namespaces: string;
  readonly trust: string;
  readonly remoteSecrets?: string;
  readonly verify?: string;
  /** With an external control plane: the section that creates `istio-kubeconfig` in the external cluster. */
  readonly configKubeconfig?: string;
  /** In an ambient mesh: the section that installs the Gateway API CRDs in every cluster. */
  readonly gatewayApiCrds?: string;
}

/**
 * How the delivery sections name each stage: in a table row of the order (`row`), and in a
 * sentence that lists the stages (`noun`). The namespace's row is named by the mesh's Istio
 * namespace where it is shown.
 */
export const STAGE_WORDS: Record<DeliveryStage, { readonly row: string; readonly noun: string }> = {
  [DeliveryStage.NAMESPACE]: { row: 'the namespace', noun: 'the namespace' },
  [DeliveryStage.TRUST]: { row: 'the intermediate CA (cert-manager)', noun: 'the intermediate CA' },
  [DeliveryStage.CREDENTIALS]: { row: 'the reader token, published to the store', noun: 'the reader token' },
  [DeliveryStage.REMOTE_SECRETS]: { row: 'the remote secrets, from the store', noun: 'the remote secrets' },
  [DeliveryStage.BASE]: { row: 'Istio\'s base chart (CRDs)', noun: 'Istio\'s base chart' },
  [DeliveryStage.ISTIOD]: { row: 'Istio\'s istiod chart', noun: 'Istio\'s istiod chart' },
  [DeliveryStage.CNI]: { row: 'Istio\'s cni chart (the istio-cni node agent)', noun: 'Istio\'s cni chart' },
  [DeliveryStage.ZTUNNEL]: { row: 'Istio\'s ztunnel chart (the node proxy)', noun: 'Istio\'s ztunnel chart' },
  [DeliveryStage.OBJECTS]: { row: 'the mesh objects', noun: 'the mesh objects' },
  [DeliveryStage.TRAFFIC]: { row: 'the traffic policies', noun: 'the traffic policies' },
  [DeliveryStage.MONITORING]: { row: 'the scrape configuration and alerts', noun: 'the monitoring objects' },
};

/** What a format's README section writes with: the README, the mesh, and the parts every delivery section shares. */
export interface DeliveryReadmeContext {
  readonly out: Lines;
  readonly mesh: MeshPlan;
  /** Every cluster the delivery installs: the mesh's, and an external control plane's. */
  readonly installed: InstalledCluster[];
  readonly sections: KubectlSections;
  readonly repo: RepositoryPlan;
  /** The quoted kubeconfig context of a cluster, by name. */
  ctx(cluster: string): string;
  /** Where to commit the output, and that the tool applies each change. */
  commitText(): string;
  /** What must be in the clusters before the delivery starts, since it cannot be in Git. */
  beforeDelivery(): void;
  /** What waits for what across the charts. */
  orderText(remoteWhat: 'install' | 'charts'): string;
  /** The delivery's steps grouped by wave, as a table. */
  waveTable(label: (s: DeliveryStep) => string, column?: string): void;
  /** The remote secrets: by hand once `waitFor` holds, or through External Secrets. */
  remoteSecretsText(waitFor: string): void;
  /** With an external control plane: `istio-kubeconfig`, by hand once `waitFor` holds. */
  configKubeconfigText(waitFor: string, waitLines: string[]): void;
}

/** One way of delivering a mesh's output. */
export interface DeliveryFormat {
  /** Whether the mesh is delivered with it. */
  enabled(mesh: MeshPlan): boolean;
  /** Its directories of objects. */
  render(scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>): OutputDirectory[];
  /** Its section of the mesh's README. */
  readme(context: DeliveryReadmeContext): void;
  /**
   * The cluster that a file of its own output (a path relative to the mesh's directory) is about,
   * among `clusters`; undefined for a file that is not its own or is about no one cluster.
   */
  clusterOfPath(path: string, clusters: readonly string[]): string | undefined;
}

import { expect } from 'vitest';
import { ClusterRole, DataPlaneMode, MeshFile, MeshPlan } from '../src';
import { expectProcedureOrder } from './procedure-order';
import { appliedObjects, EmittedObject, fileDocument, find } from './support';

/** An address that is neither dotted IPv4 nor IPv6 (which has colons): a DNS name. */
const isDnsName = (address: string) => !/^[0-9.]+$/.test(address) && !address.includes(':');

const servicePorts = (svc: EmittedObject | undefined): number[] => (svc?.spec.ports ?? []).map((p: any) => p.port);

/** The address a cluster's istiod is exposed at, and through which Service. */
function istiodEntryService(objects: EmittedObject[]): EmittedObject | undefined {
  const external = find(objects, 'Service', 'istiod-external');
  if (external) return external;
  const exposed = find(objects, 'Gateway', 'istiod-gateway') && find(objects, 'VirtualService', 'istiod-vs');
  return exposed ? find(objects, 'Service', 'istio-eastwestgateway') : undefined;
}

/**
 * Facts that must hold between the clusters of any mesh: they are what makes
 * cross-cluster traffic work, and what one typo in a hand-written install breaks.
 */
export function expectMeshInvariants(plan: MeshPlan, files: MeshFile[]) {
  if (plan.externalControlPlane) {
    expectExternalControlPlaneInvariants(plan, files);
    expectProcedureOrder(plan);
    return;
  }
  const ambient = plan.dataPlaneMode === DataPlaneMode.AMBIENT;
  const objectsOf = new Map(plan.clusters.map((c) => [c.name, appliedObjects(files, c.name)]));

  for (const c of plan.clusters) {
    const objects = objectsOf.get(c.name)!;
    const ns = find(objects, 'Namespace', 'istio-system');
    expect(ns?.metadata.labels?.['topology.istio.io/network'], `${c.name} namespace network`).toBe(c.network);

    // One values model behind both install formats.
    const iop = fileDocument(files, `install/${c.name}/istio-operator.yaml`);
    const istiod = fileDocument(files, `install/${c.name}/helm/istiod.values.yaml`);
    const base = fileDocument(files, `install/${c.name}/helm/base.values.yaml`);
    expect({ ...iop.spec.values, meshConfig: iop.spec.meshConfig, ...(iop.spec.profile ? { profile: iop.spec.profile } : {}) }).toEqual(istiod);
    expect(base.profile).toBe(iop.spec.profile);
    expect(istiod.global.meshID).toBe(plan.meshId);
    expect(istiod.global.multiCluster.clusterName).toBe(c.name);
    expect(istiod.global.network).toBe(c.network);
    expect(istiod.meshConfig.trustDomain).toBe(plan.trustDomain);

    // Istio configuration is read by istiod from its own cluster only.
    const istioConfig = objects.filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    if (c.role === ClusterRole.REMOTE) {
      expect(istioConfig, `${c.name} is a remote and carries no Istio config`).toEqual([]);
      expect(objects.some((o) => /^istiod/.test(o.metadata.name)), `${c.name} gets no istiod objects`).toBe(false);
      expect(ns?.metadata.annotations?.['topology.istio.io/controlPlaneClusters']).toBe(c.controlPlaneCluster);
      expect(iop.spec.profile).toBe('remote');
      // A primary reached by DNS name is called at its URL: through an ExternalName Service the API server would use port 443.
      if (isDnsName(c.remotePilotAddress!)) expect(istiod.istiodRemote).toEqual({ injectionURL: `https://${c.remotePilotAddress}:15017/inject/cluster/${c.name}/net/${c.network}` });
      else expect(istiod.istiodRemote).toEqual({ injectionPath: `/inject/cluster/${c.name}/net/${c.network}` });
      expect(istiod.global.configCluster).toBe(true);

      // The remote points at its primary, and the primary really exposes istiod there.
      const primary = plan.clusters.find((p) => p.name === c.controlPlaneCluster)!;
      expect(primary.role).toBe(ClusterRole.PRIMARY);
      expect(istiod.global.remotePilotAddress).toBe(primary.discoveryAddress);
      const entry = istiodEntryService(objectsOf.get(primary.name)!);
      expect(entry, `${primary.name} exposes istiod for ${c.name}`).toBeDefined();
      expect(servicePorts(entry)).toEqual(expect.arrayContaining([15012, 15017]));
      expect(entry!.spec.type).toBe('LoadBalancer');
    } else {
      expect(ns?.metadata.annotations?.['topology.istio.io/controlPlaneClusters']).toBeUndefined();
      expect(iop.spec.profile).toBe(ambient ? 'ambient' : undefined);
      // Ambient istiod must serve other networks through their gateways; ztunnel must know where it is.
      expect(istiod.pilot?.env?.AMBIENT_ENABLE_MULTI_NETWORK).toBe(ambient && plan.clusters.length > 1 ? 'true' : undefined);
      expect(istiod.ztunnel).toEqual(ambient ? { multiCluster: { clusterName: c.name }, network: c.network } : undefined);
      expect(istiod.global.externalIstiod === true).toBe(c.remotes.length > 0);
      // istiod's certificate must name the host remotes call it by.
      const byDns = c.remotes.length > 0 && isDnsName(c.discoveryAddress!);
      expect(istiod.pilot?.env?.ISTIOD_CUSTOM_HOST).toBe(byDns ? c.discoveryAddress : undefined);
      expect(istiodEntryService(objects) !== undefined, `${c.name} exposes istiod only if it serves remotes`).toBe(c.remotes.length > 0);
      // Ambient gateways carry HBONE for services labelled global instead of exposing every `*.local` service.
      expect(find(objects, 'Gateway', 'cross-network-gateway') !== undefined).toBe(plan.multiNetwork && !ambient);
    }

    // Every primary reads every other cluster's API server; nobody else reads any.
    expect(c.readsApiServersOf).toEqual(c.role === ClusterRole.PRIMARY ? plan.clusters.filter((o) => o.name !== c.name).map((o) => o.name) : []);

    // In ambient mode istiod deploys the gateway from a Gateway API Gateway, found by its network label and HBONE listener.
    const ambientGateway = objects.find((o) => o.apiVersion === 'gateway.networking.k8s.io/v1' && o.kind === 'Gateway');
    expect(ambientGateway !== undefined, `${c.name} ambient east-west gateway`).toBe(ambient && plan.multiNetwork);
    if (ambientGateway) {
      expect(ambientGateway.spec.gatewayClassName).toBe('istio-east-west');
      expect(ambientGateway.metadata.labels?.['topology.istio.io/network']).toBe(c.network);
      expect(ambientGateway.spec.listeners.map((l: any) => `${l.protocol}:${l.port}:${l.tls?.mode}`)).toEqual(['HBONE:15008:Terminate']);
    }

    // A gateway exists exactly where it is needed, and carries istiod's ports exactly where istiod is exposed on it.
    const gateway = find(objects, 'Service', 'istio-eastwestgateway');
    const needsGateway = (plan.multiNetwork && !ambient) || find(objects, 'Gateway', 'istiod-gateway') !== undefined;
    expect(gateway !== undefined, `${c.name} east-west gateway`).toBe(needsGateway);
    if (gateway) {
      const exposesIstiod = find(objects, 'Gateway', 'istiod-gateway') !== undefined;
      expect(servicePorts(gateway)).toEqual([15021, 15443, ...(exposesIstiod ? [15012, 15017] : [])]);
      expect(gateway.metadata.labels?.['topology.istio.io/network']).toBe(plan.multiNetwork ? c.network : undefined);
    }
  }

  // Every network of a multi-network mesh has a gateway that istiod can find by its network label.
  if (plan.multiNetwork) {
    for (const network of plan.networks) {
      const gateways = plan.clusters.flatMap((c) => objectsOf.get(c.name)!)
        .filter((o) => o.metadata.labels?.['topology.istio.io/network'] === network && (ambient
          ? o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio-east-west'
          : o.kind === 'Service' && servicePorts(o).includes(15443)));
      expect(gateways.length, `network ${network} has a gateway`).toBeGreaterThan(0);
    }
  }

  // The order, on the procedure's graph, from which the README and the delivery take theirs; the
  // README's commands are run, as a smoke test, per topology (expectReadmeOrder).
  expectProcedureOrder(plan);
}

/**
 * With an external control plane: every cluster of the mesh is a remote of the external istiod in
 * its namespace, pointed at its address; only the config cluster holds Istio configuration; and
 * the external cluster runs istiod alone, exposed where the clusters look for it.
 */
function expectExternalControlPlaneInvariants(plan: MeshPlan, files: MeshFile[]) {
  const ecp = plan.externalControlPlane!;
  const ns = plan.istioNamespace;
  for (const c of plan.clusters) {
    const objects = appliedObjects(files, c.name);
    const namespace = find(objects, 'Namespace', ns);
    expect(namespace?.metadata.labels?.['topology.istio.io/network'], `${c.name} namespace network`).toBe(c.network);
    const isConfig = c.name === ecp.configCluster;
    expect(c.role).toBe(isConfig ? ClusterRole.CONFIG : ClusterRole.REMOTE);
    expect(namespace?.metadata.annotations?.['topology.istio.io/controlPlaneClusters']).toBe(isConfig ? undefined : ecp.configCluster);

    const iop = fileDocument(files, `install/${c.name}/istio-operator.yaml`);
    const istiod = fileDocument(files, `install/${c.name}/helm/istiod.values.yaml`);
    expect({ ...iop.spec.values, meshConfig: iop.spec.meshConfig, profile: iop.spec.profile }).toEqual(istiod);
    expect(iop.metadata.namespace).toBe(ns);
    expect(istiod.profile).toBe('remote');
    expect(istiod.global).toMatchObject({ istioNamespace: ns, meshID: plan.meshId, multiCluster: { clusterName: c.name }, network: c.network, remotePilotAddress: ecp.discoveryAddress });
    expect(istiod.global.configCluster).toBe(isConfig ? true : undefined);
    if (isDnsName(ecp.discoveryAddress)) expect(istiod.istiodRemote).toEqual({ injectionURL: `https://${ecp.discoveryAddress}:15017/inject/cluster/${c.name}/net/${c.network}` });
    else expect(istiod.istiodRemote).toEqual({ injectionPath: `/inject/cluster/${c.name}/net/${c.network}` });
    expect(fileDocument(files, `install/${c.name}/helm/base.values.yaml`)).toMatchObject({ profile: 'remote', global: { istioNamespace: ns } });

    // The external istiod reads Istio configuration from the config cluster only.
    const istioConfig = objects.filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    if (!isConfig) expect(istioConfig, `${c.name} is a remote and carries no Istio config`).toEqual([]);
    expect(find(objects, 'Gateway', 'cross-network-gateway') !== undefined).toBe(isConfig && plan.multiNetwork);
    expect(objects.some((o) => /^istiod/.test(o.metadata.name)), `${c.name} runs no istiod`).toBe(false);
    for (const o of objects) if (o.kind !== 'Namespace' && o.metadata.namespace !== 'sample') expect(o.metadata.namespace, `${c.name} ${o.kind}`).toBe(ns);
  }

  // The external istiod: its cluster ID and network are the config cluster's, and it is exposed where the clusters look.
  const config = plan.clusters.find((c) => c.name === ecp.configCluster)!;
  const external = fileDocument(files, `install/${ecp.name}/helm/istiod.values.yaml`);
  expect(external.global).toMatchObject({ istioNamespace: ns, multiCluster: { clusterName: config.name }, network: config.network, externalIstiod: true });
  expect(fileDocument(files, `install/${ecp.name}/istio-operator.yaml`).spec.profile).toBe('empty');
  const service = find(appliedObjects(files, ecp.name), 'Service', 'istiod-external')!;
  expect([service.metadata.namespace, service.spec.type]).toEqual([ns, 'LoadBalancer']);
  expect(servicePorts(service)).toEqual([15012, 15017]);
  if (service.spec.loadBalancerIP !== undefined) expect(service.spec.loadBalancerIP).toBe(ecp.discoveryAddress);

  if (plan.multiNetwork) {
    for (const network of plan.networks) {
      const gateways = plan.clusters.filter((c) => c.network === network).flatMap((c) => appliedObjects(files, c.name))
        .filter((o) => o.kind === 'Service' && o.metadata.name === 'istio-eastwestgateway' && servicePorts(o).includes(15443));
      expect(gateways.length, `network ${network} has a gateway`).toBeGreaterThan(0);
    }
  }
}

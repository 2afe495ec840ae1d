// The mesh model and its validation
export * from './model/mesh-spec';
export * from './model/topology';
export { validateMesh, checkMesh, MeshCheck, formatProblem, MeshProblem, MeshValidationError } from './model/validation';
export { DEFAULT_ISTIO_VERSION, MIN_ISTIO_MINOR, NEWEST_KNOWN_ISTIO_MINOR } from './model/istio-version';

// The per-cluster plan
export * from './plan/mesh-plan';

// Standalone building blocks, for any cdk8s Chart
export * from './constructs/istio-system-namespace';
export * from './constructs/east-west-gateway';
export * from './constructs/expose-istiod';
export * from './constructs/expose-services';
export * from './constructs/istiod-load-balancer';
export * from './constructs/hello-world';
export * from './constructs/sample-client';
export * from './constructs/verification-workloads';
export * from './constructs/istio-names';

// The whole mesh, and its renderers and writer
export * from './mesh';
export { ManifestChart, ManifestFile } from './render/manifest-chart';
export { IstioInstallValues, istioInstallValues } from './render/install/istio-values';
export { renderIstioOperator, IstioOperatorResource } from './render/install/istio-operator';
export { renderBaseChartValues, renderIstiodChartValues, BaseChartValues } from './render/install/helm-values';
export { commonLabels, layerSelector, MESH_LABEL, CLUSTER_LABEL, LAYER_LABEL } from './render/labels';
export { renderReadme, topologyName, EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS, verificationCallBound } from './render/readme';
export { renderMeshFiles, MeshFile } from './writer/mesh-files';
export { writeMeshDirectories, writeMeshDirectory, recoverMeshDirectory, GENERATED_FILES_MANIFEST, MeshWriteError } from './writer/write';
export { seedTopologies, EXAMPLE_DISCOVERY_ADDRESS } from './examples/seed-topologies';
export { largeMesh } from './examples/large-meshes';

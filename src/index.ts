// The mesh model and its validation
export * from './model/mesh-spec';
export * from './model/topology';
export * from './model/delivery-spec';
export * from './model/trust-spec';
export { DeliveryStage, HELM_RELEASE_NAMES, HELM_CHART_NAMES, HelmStage } from './model/delivery-names';
export { SAIL_ISTIO_VERSIONS, sailIstioVersion } from './model/sail-versions';
export { MeshCheck, formatProblem, MeshProblem, MeshValidationError } from './model/validation';
export { DEFAULT_ISTIO_VERSION, MIN_ISTIO_MINOR, NEWEST_KNOWN_ISTIO_MINOR } from './model/istio-version';
export { ISTIO_RELEASES, IstioRelease, istioRelease } from './model/istio-releases';
export {
  ambientMulticlusterStatus, ambientSupportStatement, AMBIENT_MULTICLUSTER_BETA_MINOR, AMBIENT_MULTICLUSTER_MIN_MINOR,
} from './model/ambient-validation';
export { formatMeshFileProblem, MeshFileProblem } from './model/mesh-file';
export { meshFileSchema, MESH_FILE_SCHEMA_ID, MESH_FILE_SCHEMA_PATH } from './model/mesh-file-schema';

// The one analysis of a description, and the per-cluster plan
export { analyzeMesh, MeshAnalysis, validateMesh, checkMesh, planMesh } from './plan/analyze-mesh';
export { loadMeshFile, parseMeshFile, MeshFileResult } from './plan/mesh-file-analysis';
export * from './plan/mesh-plan';
export * from './plan/delivery-plan';
export {
  deliveryOrder, manualStepId, planProcedure, Procedure, ProcedureOptions, ProcedureStep, stepId, VERIFICATION_STEP_ID, withWaves,
} from './plan/procedure';

// Standalone building blocks, for any cdk8s Chart
export * from './constructs/istio-system-namespace';
export * from './constructs/east-west-gateway';
export * from './constructs/ambient-east-west-gateway';
export * from './constructs/expose-istiod';
export * from './constructs/expose-services';
export * from './constructs/istiod-load-balancer';
export * from './constructs/hello-world';
export * from './constructs/sample-client';
export * from './constructs/verification-workloads';
export * from './constructs/istio-names';
export * from './constructs/cert-manager/istio-intermediate-ca';
export * from './constructs/credentials/reader-token-secret';
export * from './constructs/credentials/reader-credential-push-secret';
export * from './constructs/credentials/remote-secret-external-secret';
export { RemoteCredentialProperties, DEFAULT_CREDENTIAL_REFRESH_INTERVAL } from './constructs/credentials/secret-store';

// The whole mesh, and its renderers and writer
export * from './mesh';
export { ManifestChart, ManifestFile } from './render/manifest-chart';
export { IstioInstallValues, istioInstallValues, externalIstiodInstallValues } from './plan/install/istio-values';
export { renderIstioOperator, IstioOperatorResource } from './render/install/istio-operator';
export {
  renderBaseChartValues, renderIstiodChartValues, renderCniChartValues, renderZtunnelChartValues, BaseChartValues,
} from './render/install/helm-values';
export { commonLabels, meshLabels, layerSelector, MESH_LABEL, CLUSTER_LABEL, LAYER_LABEL } from './render/labels';
export { OutputDirectory } from './render/output-directory';
export * from './render/layout';
export { renderArgoCd, APPLICATION_HEALTH_LUA, APPLICATION_HEALTH_KEY } from './render/delivery/argocd';
export { renderFlux } from './render/delivery/flux';
export { renderSail } from './render/delivery/sail';
export { renderReadme, topologyName, EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS, verificationCallBound } from './render/readme';
export { renderMeshFiles, MeshFile } from './writer/mesh-files';
export { meshChanges, renderMeshChanges, ClusterChanges, FileChange } from './writer/mesh-changes';
export { writeMeshDirectories, writeMeshDirectory, recoverMeshDirectory, GENERATED_FILES_MANIFEST, MeshWriteError } from './writer/write';
export { seedTopologies, seedTopologySpecs, EXAMPLE_DISCOVERY_ADDRESS, EXAMPLE_REPOSITORY, EXAMPLE_ISTIO_VERSION, EXAMPLE_EXTERNAL_ISTIOD_ADDRESS } from './examples/seed-topologies';
export { largeMesh } from './examples/large-meshes';

// Cross-cluster traffic policies: the model, a standalone construct, and the per-cluster renderer
export * from './model/traffic-spec';
export { trafficPolicyProblems, TrafficPolicyProblem } from './model/traffic-validation';
export * from './constructs/traffic/cross-cluster-traffic-policy';
export { renderTrafficPolicies, trafficPolicyFile } from './render/traffic';

// Monitoring with the Prometheus Operator: the model, the metric catalog, standalone constructs, and the per-cluster renderer
export * from './model/monitoring-spec';
export { prometheusDurationProblem, alertLabelNameProblem, RESERVED_ALERT_LABELS } from './model/monitoring-validation';
export * from './plan/monitoring-plan';
export * from './constructs/monitoring/istio-metrics';
export { MonitoringObjectProps } from './constructs/monitoring/monitor-props';
export { MERGED_METRICS_PORT, MERGED_METRICS_PATH, ENVOY_PROM_PORT_NAME } from './constructs/monitoring/proxy-scrape';
export * from './constructs/monitoring/istiod-service-monitor';
export * from './constructs/monitoring/east-west-gateway-pod-monitor';
export * from './constructs/monitoring/sidecar-pod-monitor';
export { AlertSeverity, MeshAlertsProps, AlertRule } from './constructs/monitoring/mesh-alerts';
export * from './constructs/monitoring/control-plane-alerts';
export * from './constructs/monitoring/east-west-gateway-alerts';
export * from './constructs/monitoring/remote-proxy-alerts';
export { renderMonitoring } from './render/monitoring';

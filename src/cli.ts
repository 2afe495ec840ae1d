#!/usr/bin/env node
// The package's command, `npx cdk8s-istio-multicluster <command>`: synth, validate and plan
// read mesh files, diff compares two; ca generates a mesh's plug-in CA outside the output
// directory; remote-secret makes a cluster's Istio remote secret from its API server; schema
// prints the mesh files' JSON Schema. The commands live in src/cli/.
import { processIo, runCli } from './cli/main';

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
// The package's command: `npx cdk8s-istio-multicluster ca …` generates a mesh's plug-in CA
// outside the output directory.
import { parseArgs } from 'util';
import { CaKeyType, generateMeshCa, MeshCaError } from './trust/offline-ca';

const USAGE = `usage: cdk8s-istio-multicluster ca --dir DIR (--clusters NAME[,NAME...] | --root-only) [options]

Generates a root CA and one intermediate CA per cluster (Istio's plug-in CA) in DIR, which
must lie outside the output directory: per cluster ca-cert.pem, ca-key.pem, root-cert.pem,
cert-chain.pem and cacerts.yaml (the cacerts Secret; it holds a private key, never commit it).
Existing keys are kept: a second run changes nothing, and new clusters are signed by the
existing root.

options:
  --key-type TYPE          ${Object.values(CaKeyType).join(', ')} (default ${CaKeyType.RSA_4096})
  --root-days N            validity of the root (default 3650)
  --intermediate-days N    validity of each intermediate (default 730)
  --output-dir DIR         the mesh output directory the CA must stay out of (default dist)
  --root-only              make (or keep) the root alone, for cert-manager's CA Issuer
  --overwrite              replace existing keys and certificates`;

/** One line for the user, and the exit code: 2 for usage, 1 for a refusal, 2 for I/O. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'ca' || argv.includes('--help') || argv.includes('-h')) {
    (argv[0] === 'ca' || argv.length === 0 ? console.log : console.error)(USAGE);
    return argv[0] === 'ca' || argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv.slice(1),
      options: {
        'dir': { type: 'string' },
        'clusters': { type: 'string' },
        'key-type': { type: 'string' },
        'root-days': { type: 'string' },
        'intermediate-days': { type: 'string' },
        'output-dir': { type: 'string' },
        'overwrite': { type: 'boolean' },
        'root-only': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const missing = ['dir', ...(values['root-only'] === true ? [] : ['clusters'])].filter((k) => values[k] === undefined);
  const keyType = values['key-type'] as string | undefined;
  const number = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
  const problems = missing.map((k) => `--${k} is required`);
  if (keyType !== undefined && !(Object.values(CaKeyType) as string[]).includes(keyType)) {
    problems.push(`--key-type ${keyType} is not one of ${Object.values(CaKeyType).join(', ')}`);
  }
  if (problems.length > 0) {
    console.error(`error: ${problems.join('; ')}\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = await generateMeshCa({
      directory: values.dir as string,
      clusters: values['root-only'] === true ? [] : (values.clusters as string).split(',').map((c) => c.trim()).filter((c) => c !== ''),
      keyType: keyType as CaKeyType | undefined,
      rootValidityDays: number('root-days'),
      intermediateValidityDays: number('intermediate-days'),
      outputDirectory: values['output-dir'] as string | undefined,
      overwrite: values.overwrite === true,
    });
    for (const f of result.written) console.log(`wrote ${f}`);
    for (const f of result.kept) console.log(`kept ${f}`);
    return 0;
  } catch (e) {
    if (e instanceof MeshCaError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) {
      console.error(`error: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });

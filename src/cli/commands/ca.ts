import { Command } from 'commander';
import { CaKeyType, generateMeshCa } from '../../trust/offline-ca';
import { CliIo, ExitCode } from '../io';

interface CaOptions {
  dir?: string;
  clusters?: string;
  namespace?: string;
  keyType?: string;
  rootDays?: string;
  intermediateDays?: string;
  outputDir?: string;
  overwrite?: boolean;
  rootOnly?: boolean;
}

const KEY_TYPES = Object.values(CaKeyType) as string[];

export function registerCa(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  const command = program.command('ca')
    .usage('--dir DIR (--clusters NAME[,NAME...] | --root-only) [options]')
    .summary('generate the mesh\'s plug-in CA (a root, an intermediate per cluster) outside the output')
    .description('Generates a root CA and one intermediate CA per cluster (Istio\'s plug-in CA) in DIR, which must lie outside ' +
      'the output directory: per cluster ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem and cacerts.yaml (the cacerts ' +
      'Secret; it holds a private key, never commit it). Existing keys are kept: a second run changes nothing, and new ' +
      'clusters are signed by the existing root.')
    // Required options are checked in the action, so that every missing or wrong one is named in one line.
    .option('--dir <dir>', 'the CA directory (required)')
    .option('--clusters <names>', 'the clusters to make intermediates for, comma-separated (required unless --root-only)')
    .option('--key-type <type>', `${KEY_TYPES.join(', ')} (default ${CaKeyType.RSA_4096})`)
    .option('--root-days <n>', 'validity of the root (default 3650)')
    .option('--intermediate-days <n>', 'validity of each intermediate (default 730)')
    .option('--namespace <ns>', 'the namespace of the cacerts Secrets: istiod\'s (default istio-system)')
    .option('--output-dir <dir>', 'the mesh output directory the CA must stay out of (default dist)')
    .option('--root-only', 'make (or keep) the root alone, for cert-manager\'s CA Issuer')
    .option('--overwrite', 'replace existing keys and certificates')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster ca --dir ~/istio-certs/prod --clusters east-1,west-1');
  command.action(async (options: CaOptions) => done(await ca(options, io, () => command.helpInformation())));
}

async function ca(options: CaOptions, io: CliIo, usage: () => string): Promise<ExitCode> {
  const missing = ['dir', ...(options.rootOnly === true ? [] : ['clusters'])]
    .filter((k) => options[k as keyof CaOptions] === undefined);
  const problems = missing.map((k) => `--${k} is required`);
  if (options.keyType !== undefined && !KEY_TYPES.includes(options.keyType)) {
    problems.push(`--key-type ${options.keyType} is not one of ${KEY_TYPES.join(', ')}`);
  }
  if (problems.length > 0) {
    io.err(`error: ${problems.join('; ')}\n\n${usage()}`);
    return ExitCode.USAGE_OR_IO;
  }
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  // Refusals (MeshCaError) and I/O errors are explained by the caller: exit 1 and 2.
  const result = await generateMeshCa({
    directory: options.dir!,
    clusters: options.rootOnly === true ? [] : options.clusters!.split(',').map((c) => c.trim()).filter((c) => c !== ''),
    keyType: options.keyType as CaKeyType | undefined,
    rootValidityDays: number(options.rootDays),
    intermediateValidityDays: number(options.intermediateDays),
    outputDirectory: options.outputDir,
    overwrite: options.overwrite === true,
    namespace: options.namespace,
  });
  for (const f of result.written) io.out(`wrote ${f}\n`);
  for (const f of result.kept) io.out(`kept ${f}\n`);
  return ExitCode.OK;
}

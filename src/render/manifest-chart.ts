import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';

/** A group of objects written to one file; the file names order the apply. */
export interface ManifestFile {
  /** The file name, such as `20-eastwest-gateway.yaml`. */
  readonly name: string;
  /** The construct whose objects the file holds. */
  readonly scope: Construct;
}

/**
 * A cdk8s Chart that also records which file each of its building blocks goes to,
 * so that the directory writer can lay files out in apply order. In any other cdk8s
 * app it is an ordinary Chart.
 */
export class ManifestChart extends Chart {
  private readonly fileList: ManifestFile[] = [];

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
  }

  /** The files of this chart, in apply order. */
  public get files(): ManifestFile[] {
    return [...this.fileList].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Records that `scope`'s objects are written to the file `name`; returns `scope`. */
  public addFile<T extends Construct>(name: string, scope: T): T {
    if (this.fileList.some((f) => f.name === name)) throw new Error(`file ${name} is already part of chart ${this.node.path}`);
    this.fileList.push({ name, scope });
    return scope;
  }
}

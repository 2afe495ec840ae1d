/**
 * Thrown when the writer refuses to replace an output directory: one that it did not
 * generate, or a generated one that now holds files somebody added. Nothing was
 * written for any mesh when this is thrown. The message is one line, fit to print as is.
 */
export class MeshWriteError extends Error {
  /** The directory the writer refused to replace, as it was given. */
  public readonly directory: string;
  /** The paths (relative to `directory`, `/`-separated, directories ending in `/`) that the writer did not generate. */
  public readonly unexpectedPaths: string[];

  constructor(message: string, directory: string, unexpectedPaths: string[] = []) {
    super(message);
    this.name = 'MeshWriteError';
    this.directory = directory;
    this.unexpectedPaths = unexpectedPaths;
  }
}

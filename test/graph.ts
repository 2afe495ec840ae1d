/** A directed graph of "is done before": what the order tests read from emitted objects. */
export class PrecedenceGraph {
  private readonly edges = new Map<string, Set<string>>();

  /** Records that `from` is done before `to` starts. */
  public edge(from: string, to: string): void {
    if (!this.edges.has(from)) this.edges.set(from, new Set());
    this.edges.get(from)!.add(to);
  }

  /** The nodes that `node` is directly before. */
  public successors(node: string): string[] {
    return [...(this.edges.get(node) ?? [])];
  }

  /** The nodes directly before `node`. */
  public predecessors(node: string): string[] {
    return [...this.edges.entries()].filter(([, tos]) => tos.has(node)).map(([from]) => from);
  }

  /** Drops a node's outgoing edges (when they are to be re-attached elsewhere). */
  public removeOutgoing(node: string): void {
    this.edges.delete(node);
  }

  /** Whether `from` is sure to be done before `to`: a path leads from one to the other. */
  public precedes(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      for (const next of this.edges.get(stack.pop()!) ?? []) {
        if (next === to) return true;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }

  public describe(): string {
    return [...this.edges.entries()].map(([f, t]) => `${f} -> ${[...t].join(', ')}`).join('\n');
  }
}

/** Markdown with bash blocks, as the generated READMEs are written. */

export const code = (s: string) => `\`${s}\``;

/** Collects README lines; blocks of many commands are pushed line by line, never spread into one call. */
export class Lines {
  private readonly lines: string[] = [];
  private step = 0;

  public p(...lines: string[]): void {
    for (const line of lines) this.lines.push(line);
  }

  public bash(lines: Iterable<string>): void {
    this.lines.push('```bash');
    for (const line of lines) this.lines.push(line);
    this.lines.push('```');
  }

  /** A numbered step; returns its title as a reader sees it (`3. Configure trust`). */
  public heading(title: string): string {
    const numbered = `${++this.step}. ${title}`;
    this.p('', `## ${numbered}`, '');
    return numbered;
  }

  public text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** `a`, `a and b`, `a, b and c`. */
export function andList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}


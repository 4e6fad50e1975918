/**
 * alignTabs lays out tab-separated text the way Go's text/tabwriter does with kubectl describe's
 * settings (minwidth 0, padding 2, padded with spaces): a tab ends a cell, the text after a
 * line's last tab is not a cell, and a column is aligned over each run of consecutive lines that
 * have a cell in it. kubectl describe writes its whole output through one such writer, so that
 * is what makes `Name:` and `Namespace:` line up while a line without a tab breaks the run.
 * Pure: text in, text out.
 */
export function alignTabs(text: string, padding = 2): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      out.push(cells.map((c, j) => (j < cells.length - 1 && j < widths.length ? c.padEnd(widths[j]!) : c)).join(''));
    }
  };

  // Go's tabwriter.format: find each block of lines with a cell in this column, size it, recurse.
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      write(line0, i);
      line0 = i;
      let width = 0;
      for (; i < line1 && column < lines[i]!.length - 1; i++) width = Math.max(width, lines[i]![column]!.length + padding);
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i;
      i--;
    }
    write(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n');
}

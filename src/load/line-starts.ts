/**
 * LineStarts maps offsets in a source to 1-based line and column, from the offsets where lines
 * start (added in ascending order). It answers as yaml's LineCounter does, so positions from the
 * fast and the careful path agree, without loading yaml for a source that never needs it.
 */
export class LineStarts {
  readonly lineStarts: number[] = [];

  /** addNewLine records that a line starts at `offset`; an arrow, so yaml's Parser can take it as its callback. */
  readonly addNewLine = (offset: number): void => {
    this.lineStarts.push(offset);
  };

  /**
   * linePos is the position of `offset`: line 0 when it comes before the first recorded line start
   * (as yaml's LineCounter says), else the last line starting at or before it.
   */
  readonly linePos = (offset: number): { line: number; col: number } => {
    const starts = this.lineStarts;
    // The first index whose start is >= offset.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    if (starts[lo] === offset) return { line: lo + 1, col: 1 };
    if (lo === 0) return { line: 0, col: offset };
    return { line: lo, col: offset - starts[lo - 1]! + 1 };
  };
}

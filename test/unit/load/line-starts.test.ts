/** LineStarts answers as yaml's LineCounter does, so fast and careful positions agree. */
import { LineCounter } from 'yaml';
import { LineStarts } from '../../../src/load/line-starts';

test('LineStarts.linePos equals yaml LineCounter.linePos at every offset', () => {
  const text = 'a: 1\n\nbb: 2\r\n  c: [x,\n y]\n\n';
  const ours = new LineStarts();
  const theirs = new LineCounter();
  for (const lc of [ours, theirs]) {
    lc.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  }
  for (let offset = 0; offset <= text.length + 2; offset++) expect(ours.linePos(offset)).toEqual(theirs.linePos(offset));
  // Before any line start, as yaml says: line 0.
  expect(new LineStarts().linePos(3)).toEqual(new LineCounter().linePos(3));
});

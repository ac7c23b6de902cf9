import { formatDuration, parseDuration } from '../src/duration.js';
import { check, equal } from './harness.js';

check('parses seconds', () => equal(parseDuration('90s'), 90_000));
check('parses minutes and milliseconds', () => equal(parseDuration('2m250ms'), 120_250));
check('parses hours', () => equal(parseDuration('2h'), 7_200_000));
check('parses combinations', () => equal(parseDuration('1h30m'), 5_400_000));
check('formats back', () => equal(formatDuration(90_000), '1m30s'));
check('rejects text that is not a duration', () => {
  let threw = false;
  try {
    parseDuration('soon');
  } catch {
    threw = true;
  }
  equal(threw, true);
});

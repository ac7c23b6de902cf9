#!/usr/bin/env bash
# The demo's stand-in for a coding agent: it reads the issue weft hands it, then
# makes the fix a careful developer would, with a regression test.
set -euo pipefail
title=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.env.WEFT_ISSUE_FILE, "utf8")).issue.title)')
echo "agent: working on #${WEFT_ISSUE_NUMBER}: ${title}"
echo "agent: the hour entry of UNIT_MS in src/duration.ts is 60_000; it should be 3_600_000"
sed -i.bak 's/  h: 60_000,/  h: 3_600_000,/' src/duration.ts && rm src/duration.ts.bak
cat >> test/duration.test.ts <<'TEST'
check('formats hours (regression for #42)', () => equal(formatDuration(7_200_000), '2h'));
TEST
echo "agent: fixed the unit table and added a regression test"

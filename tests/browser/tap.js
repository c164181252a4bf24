// tap.js — what every browser test shares: TAP output (ok, and the plan at
// the end) and the Chromium flags that keep a test on this machine.
'use strict';

const tap = { n: 0, failed: 0 };

// One test case: "ok N - what", or "not ok N - what" with the diagnostics
// (a string or any JSON value, cut to a few KB) as "# " lines.
function ok(cond, what, diag) {
  tap.n++;
  if (cond) {
    console.log(`ok ${tap.n} - ${what}`);
  } else {
    tap.failed++;
    console.log(`not ok ${tap.n} - ${what}`);
    if (diag !== undefined && diag !== null && diag !== '') {
      console.log(String(typeof diag === 'string' ? diag : JSON.stringify(diag, null, 1))
        .slice(0, 4000).split('\n').map((l) => `# ${l}`).join('\n'));
    }
  }
  return cond;
}

// Nothing may leave the machine: every name but the loopback address is
// unresolvable, and Chromium's own background traffic is off.
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-dev-shm-usage', '--no-proxy-server',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

module.exports = { tap, ok, chromiumArgs };

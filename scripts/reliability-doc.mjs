// docs/reliability.md, rendered from the rows the fault-matrix tests record (see
// apps/server/src/__fixtures__/reliability-rows.ts and `pnpm reliability`).

/** Where each area's rows go, in order; rows within an area are sorted by fault. */
export const AREAS = [
  'bad input',
  'limits',
  'dead peers',
  'bots',
  'access',
  'recordings',
  'startup',
  'command line',
  'shutdown',
];

const FUZZING =
  'Property-based fuzzing (fast-check) of every decoder of untrusted bytes: inbound events, actions, base64, connection queries, WAV, MP3 frame headers and splitting, the emulator’s WAV/MP3 checks, its MP3 line, caller WAV loading — a few hundred inputs each in the suite, 1,000,000 each with `pnpm fuzz`. Outcome: a result or the typed error, never anything else; no header can make a reader allocate more than its input holds.';

/** One row of the table. */
export const rowLine = (row) => `| ${row.area} | ${row.fault} | ${row.tried} | ${row.outcome} |`;

/** The page, rows in area order, then by fault. */
export function renderReliability(rows) {
  const rank = (row) => {
    const at = AREAS.indexOf(row.area);
    return at < 0 ? AREAS.length : at;
  };
  const sorted = [...rows].sort((a, b) => rank(a) - rank(b) || a.fault.localeCompare(b.fault));
  return `# Reliability: faults and bad input tried

Rendered by \`pnpm reliability\` from the fault-matrix tests of the reference server (\`apps/server/src/faults.test.ts\`, \`recording.test.ts\`, \`cli-errors.test.ts\`, \`workers.test.ts\`, and psr-sim's \`packages/simulator/src/cli.test.ts\`); the suite checks that each row it proves is here, and never writes this page. Each row ran against the reference server with a real bot on loopback sockets (or, for startup, against the built \`psrkit-server\` command); a row is here only if every assertion of it held. Where a bystander call streamed alongside, that it streams without a gap while faults hit the server is checked in the timing tier (\`apps/server/src/faults.timing.test.ts\`, the server in its own process).

| area | fault or bad input | tried | outcome |
| --- | --- | --- | --- |
${sorted.map(rowLine).join('\n')}

## Fuzzing

${FUZZING}

## Soak

\`pnpm soak\` (not in CI): the server under a steady number of emulated calls for 10 minutes, RSS and handles sampled from \`/metrics\`; results in \`bench/results/soak-*.json\`.
`;
}

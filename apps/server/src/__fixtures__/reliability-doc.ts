/** One row of the fault matrix: what was tried against the server and what it did. */
export interface ReliabilityRow {
  readonly area: string;
  readonly fault: string;
  readonly tried: number;
  readonly outcome: string;
}

const FUZZING =
  'Property-based fuzzing (fast-check) of every decoder of untrusted bytes: inbound events, actions, base64, connection queries, WAV, MP3 frame headers and splitting, the emulator’s WAV/MP3 checks, its MP3 line, caller WAV loading — a few hundred inputs each in the suite, 1,000,000 each with `pnpm fuzz`. Outcome: a result or the typed error, never anything else; no header can make a reader allocate more than its input holds.';

/** docs/reliability.md as `pnpm reliability` writes it from the fault matrix's rows. */
export function renderReliability(rows: readonly ReliabilityRow[]): string {
  const table = rows
    .map((r) => `| ${r.area} | ${r.fault} | ${r.tried} | ${r.outcome} |`)
    .join('\n');
  return `# Reliability: faults and bad input tried

Rendered by \`pnpm reliability\` from \`apps/server/src/faults.test.ts\` (the suite checks that this page is current, and never writes it): each row ran against the reference server with a real bot on loopback sockets, while a bystander call streamed alongside; a row is here only if every assertion of it held. In every row the server process stayed up. That the bystander streams without a gap while faults hit the server is checked in the timing tier (\`apps/server/src/faults.timing.test.ts\`, the server in its own process).

| area | fault or bad input | tried | outcome |
| --- | --- | --- | --- |
${table}

## Fuzzing

${FUZZING}

## Soak

\`pnpm soak\` (not in CI): the server under a steady number of emulated calls for 10 minutes, RSS and handles sampled from \`/metrics\`; results in \`bench/results/soak-*.json\`.
`;
}

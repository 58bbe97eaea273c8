/** The parts of a test runner the kit needs (vitest's and jest's fit). */
export interface TestApi {
  /** Groups tests under a name. */
  describe(name: string, body: () => void): void;
  /** One test. */
  it(name: string, body: () => unknown): void;
  /** The runner's assertion function. */
  // biome-ignore lint/suspicious/noExplicitAny: any runner's expect
  expect: (value: unknown) => any;
}

export interface ReliabilityRow {
  readonly area: string;
  readonly fault: string;
  readonly tried: number;
  readonly outcome: string;
}
export declare const AREAS: readonly string[];
export declare function rowLine(row: ReliabilityRow): string;
export declare function renderReliability(rows: readonly ReliabilityRow[]): string;

/** A workspace package that is not private. */
export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: {
    readonly name: string;
    readonly version: string;
    readonly exports: Record<string, unknown>;
    readonly [key: string]: unknown;
  };
}
export declare class PackError extends Error {}
export declare function publishablePackages(workspace?: string): WorkspacePackage[];
export declare function packageClosure(
  names: readonly string[],
  packages?: readonly WorkspacePackage[],
): WorkspacePackage[];
export declare function packPackages(packages: readonly WorkspacePackage[], out: string): string[];

export declare function generatedModule(name: string): Promise<string>;

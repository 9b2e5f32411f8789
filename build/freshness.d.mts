export declare const BUILD_INPUTS: string[];
export declare const BUILD_OUTPUTS: string[];
export declare const BUILD_STAMP: string;
export declare function inputsFingerprint(root: string, inputs?: readonly string[]): string;
export declare function buildIsCurrent(root: string, inputs?: readonly string[], outputs?: readonly string[], stamp?: string): boolean;
export declare function recordBuild(root: string, fingerprint: string, stamp?: string): void;

export declare const GENERATED_SECRETS: readonly string[];
export declare function isStrictProduction(env?: NodeJS.ProcessEnv): boolean;
export declare function ensureLocalSecrets(options?: { env?: NodeJS.ProcessEnv; cwd?: string }): string[];

// Types for bin/cliBundle.mjs (plain JavaScript so that `npm install` can run it as it is).
export declare const ROOT: string
export declare const BUNDLE_DIR: string
export declare function freshBundleEntry(dir?: string): string | null
export declare function buildCliBundle(dir?: string): Promise<{ dir: string; files: number; sources: number }>

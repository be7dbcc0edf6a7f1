import packageJson from '../../package.json' with { type: 'json' }

/** The app's version, from package.json (inlined into the CLI bundle). */
export const appVersion: string = packageJson.version

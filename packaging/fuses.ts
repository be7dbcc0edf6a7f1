import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses'

/**
 * The Electron fuses of the packaged console: the one definition, flipped into the binary by
 * packaging/afterPack.ts and checked by packaging/packaging.test.ts. Every fuse is set
 * explicitly (strictlyRequireAllFuses), so an Electron upgrade that adds a fuse stops the
 * build until someone decides its value.
 */
export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and other Chromium storage encrypted with an OS-protected key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS-style injection of code or flags is ignored.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends: no debugger can be attached to the packaged main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash embedded at build time (macOS and Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded: a loose app/ folder next to it is never run instead.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Electron's default: one V8 snapshot for all processes.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // file:// gets no privileges beyond a web page's (the renderer is on app://).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: WebAssembly trap handlers on.
  [FuseV1Options.WasmTrapHandlers]: true,
} as const satisfies FuseV1Config

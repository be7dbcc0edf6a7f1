import type { Configuration } from 'electron-builder'
import { afterPack } from './packaging/afterPack.ts'

// `npm run dist`: installers for staff. The version comes from package.json; the Electron
// version from the installed electron package. Build each platform on that platform (the
// keychain library's native part is installed per OS). Signing: see README "Installers".

/**
 * What goes into app.asar besides the production node_modules electron-builder adds itself:
 * the built main, preload and renderer, and package.json — never sources, tests, bench or E2E
 * data, or source maps. packaging/packaging.test.ts evaluates these with electron-builder's
 * own matcher.
 */
export const PACKAGED_FILES = ['out/main/**/*', 'out/preload/**/*', 'out/renderer/**/*', 'package.json', '!**/*.map', '!**/*.{ts,tsx,vue}']

const config: Configuration = {
  appId: 'com.otp-enrollment-console.desktop',
  productName: 'OTP Enrollment Console',
  executableName: 'otp-enrollment-console',
  copyright: 'Copyright © OTP Enrollment Console authors',
  directories: { output: 'dist', buildResources: 'build' },
  files: PACKAGED_FILES,
  asar: true,
  // The keychain library's native module must be a real file on disk to be loaded.
  asarUnpack: ['**/*.node'],
  afterPack,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'build/icon.png',
    category: 'Office',
    maintainer: 'IT support <it-support@example.invalid>',
    synopsis: 'Enroll cards for OTP through the Interswitch API',
  },
  deb: { depends: ['libsecret-1-0', 'gnome-keyring | kwalletmanager'] },
  win: { target: ['nsis'], icon: 'build/icon.png' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, createDesktopShortcut: true },
  mac: { target: ['dmg'], icon: 'build/icon.png', category: 'public.app-category.business', hardenedRuntime: true },
  dmg: { title: '${productName} ${version}' },
}

export default config

import { join } from 'node:path'
import { flipFuses } from '@electron/fuses'
import { FUSES } from './fuses.ts'

/** What this hook reads of electron-builder's AfterPackContext. */
export interface PackedApp {
  appOutDir: string
  electronPlatformName: string
  /** executableName: the Linux packager's only (the binary's file name there). */
  packager: { executableName?: string; appInfo: { productFilename: string } }
}

/** The Electron binary (or .app bundle) electron-builder has just laid out. */
export function packedExecutable(context: PackedApp): string {
  const { appOutDir, electronPlatformName, packager } = context
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`)
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
  return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename)
}

/**
 * electron-builder's afterPack hook: flips the fuses after the app is laid out and before it
 * is signed and put into installers (so the signature covers the flipped binary). On macOS
 * the ad-hoc signature is reset, which arm64 needs to launch at all before real signing.
 */
export async function afterPack(context: PackedApp): Promise<void> {
  await flipFuses(packedExecutable(context), { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' })
}

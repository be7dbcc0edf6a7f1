// Facts about this installation shown in About and written into exports.

export interface AppInfo {
  version: string
  operator: string
  machine: string
  platform: string
  logDir: string
}

import { Menu, type MenuItemConstructorOptions } from 'electron'

export function installMenu(openLogFolder: () => void): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Open log folder', click: openLogFolder }] },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

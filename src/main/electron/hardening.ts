import { app, session, type WebContents } from 'electron'

/** Reports what the shell refused (kind and target), for the diagnostic log. */
export type ShellRefusal = (what: string, fields: Record<string, string>) => void

/** Origin and path of a URL: never its query or fragment. */
function where(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.slice(0, 256)
  } catch {
    return '(not a URL)'
  }
}

/**
 * No navigation or redirect away from the app, no new windows, no webviews, no permissions
 * (camera, notifications…). The renderer's CSP (index.html) forbids inline script and eval.
 * Call once, before the app is ready.
 */
export function hardenApp(isAppUrl: (url: string) => boolean, refused: ShellRefusal): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url)) return
      event.preventDefault()
      refused('navigation', { url: where(url) })
    })
    contents.on('will-redirect', (event, url) => {
      if (isAppUrl(url)) return
      event.preventDefault()
      refused('redirect', { url: where(url) })
    })
    contents.on('will-attach-webview', (event) => {
      event.preventDefault()
      refused('webview', {})
    })
    contents.setWindowOpenHandler(({ url }) => {
      refused('new window', { url: where(url) })
      return { action: 'deny' }
    })
  })
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
      refused('permission', { permission })
      callback(false)
    })
    session.defaultSession.setPermissionCheckHandler(() => false)
  })
}

import type { AppCore } from '../../core/app/appCore.ts'
import type { Logger } from '../../core/log/logger.ts'
import type { IpcMethod, IpcParsedRequest, IpcResponses } from '../../shared/ipc/contract.ts'
import type { AppInfo } from '../../shared/domain/appInfo.ts'
import type { Result } from '../../shared/domain/result.ts'

/** What the OS offers the handlers; Electron's dialog/shell in the app, stubs at that boundary in E2E. */
export interface HostPlatform {
  /** Native save dialog; undefined when the operator cancels. */
  chooseSavePath(options: { defaultName: string; filterName: string; extensions: string[] }): Promise<string | undefined>
  /** Native open dialog for one file; undefined when the operator cancels. The path stays in main. */
  chooseOpenPath(options: { title: string; filterName: string; extensions: string[] }): Promise<string | undefined>
  showInFolder(path: string): void
  openFolder(path: string): Promise<void>
  /**
   * A native confirmation shown by main (the window cannot answer it for itself); true only
   * when the operator chose `confirmLabel`. Cancel is the default button.
   */
  confirm(options: { title: string; message: string; detail: string; confirmLabel: string; cancelLabel: string }): Promise<boolean>
}

export interface MainContext {
  core: AppCore
  appInfo: AppInfo
  host: HostPlatform
  logger: Logger
  /** Pushes an event to the renderer (export progress). */
  emit(channel: string, payload: unknown): void
  /** Where the diagnostic log files are, for support bundles. */
  logDir: string
  trainingUrl(): string | undefined
}

export type Handler<M extends IpcMethod> = (request: IpcParsedRequest<M>) => Promise<Result<IpcResponses[M]>>
export type HandlerMap = { [M in IpcMethod]: Handler<M> }

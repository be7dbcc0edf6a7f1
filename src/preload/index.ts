import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from '../shared/ipc/bridge.ts'
import { BRIDGE_KEY } from '../shared/ipc/contract.ts'

// Exposes the contract's functions and nothing else: no ipcRenderer, no channel names.
contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridge(
    (channel, payload) => ipcRenderer.invoke(channel, payload),
    (channel, listener) => {
      const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload)
      ipcRenderer.on(channel, forward)
      return () => ipcRenderer.removeListener(channel, forward)
    },
  ),
)

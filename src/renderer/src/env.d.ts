/// <reference types="vite/client" />

// Kept a script (no top-level import) so these declarations are global.

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** Exposed by the preload (src/preload); read only by src/api/bridge.ts. */
  otp?: import('../../shared/ipc/contract.ts').OtpBridge
}

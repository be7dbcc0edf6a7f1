import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { detectBridge } from './api/bridge.ts'
import App from './App.vue'
import BridgeMissing from './components/BridgeMissing.vue'
import { createAppRouter } from './router.ts'
import './styles/tokens.css'
import './styles/base.css'
import './styles/layout.css'
import './styles/shared.css'

// Without the preload's bridge nothing can work: show one clear screen instead of a broken app.
if (detectBridge()) {
  createApp(App).use(createPinia()).use(createAppRouter()).mount('#app')
} else {
  createApp(BridgeMissing).mount('#app')
}

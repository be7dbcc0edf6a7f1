import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import AuditView from './views/AuditView.vue'
import BulkView from './views/BulkView.vue'
import EnrollView from './views/EnrollView.vue'
import HistoryView from './views/HistoryView.vue'
import SettingsView from './views/SettingsView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
  }
}

/** Hash history: the app is loaded from file://, where path-based URLs do not resolve. */
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: '/enroll' },
      { path: '/enroll', name: 'enroll', component: EnrollView, meta: { title: 'Enroll' } },
      { path: '/bulk', name: 'bulk', component: BulkView, meta: { title: 'Bulk' } },
      { path: '/history', name: 'history', component: HistoryView, meta: { title: 'History' } },
      { path: '/audit', name: 'audit', component: AuditView, meta: { title: 'Audit' } },
      { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings' } },
      { path: '/:pathMatch(.*)*', redirect: '/enroll' },
    ],
  })
}

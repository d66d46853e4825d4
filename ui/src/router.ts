/**
 * Screens and the one rule between them: without a session only the login screen is
 * reachable, with one the login screen sends you home. Hash history, because the app
 * is served from files inside the binary where deep links have nothing to fall back to.
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

import HomeView from '@/features/home/HomeView.vue'
import LoginView from '@/features/login/LoginView.vue'
import MyReportsView from '@/features/my-reports/MyReportsView.vue'
import ReportView from '@/features/report/ReportView.vue'
import TasksView from '@/features/tasks/TasksView.vue'
import { loadSession } from '@/session/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session; shown without the tab bar. */
    public?: boolean
    /** i18n key of the navigation bar title. */
    titleKey?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/home' },
  { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
  { path: '/home', name: 'home', component: HomeView, meta: { titleKey: 'home.title' } },
  { path: '/report', name: 'report', component: ReportView, meta: { titleKey: 'report.title' } },
  {
    path: '/my-reports',
    name: 'my-reports',
    component: MyReportsView,
    meta: { titleKey: 'myReports.title' },
  },
  { path: '/tasks', name: 'tasks', component: TasksView, meta: { titleKey: 'tasks.title' } },
  { path: '/:rest(.*)*', redirect: '/home' },
]

export function createAppRouter() {
  const router = createRouter({
    history: createWebHashHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(async (to) => {
    const current = await loadSession()
    if (!to.meta.public && current === null) return { name: 'login' }
    if (to.name === 'login' && current !== null) return { name: 'home' }
    return true
  })
  return router
}

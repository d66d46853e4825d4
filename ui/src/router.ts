/**
 * Screens and the one rule between them: without a session only the login screen is
 * reachable, with one the login screen sends you home. Hash history, because the app
 * is served from files inside the binary where deep links have nothing to fall back to.
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

import ConflictsView from '@/features/conflicts/ConflictsView.vue'
import HomeView from '@/features/home/HomeView.vue'
import LoginView from '@/features/login/LoginView.vue'
import MapView from '@/features/map/MapView.vue'
import MoreView from '@/features/more/MoreView.vue'
import MyReportsView from '@/features/my-reports/MyReportsView.vue'
import NoticesView from '@/features/notices/NoticesView.vue'
import DaySummaryView from '@/features/patrol/DaySummaryView.vue'
import PatrolView from '@/features/patrol/PatrolView.vue'
import VisitView from '@/features/patrol/VisitView.vue'
import PointsView from '@/features/points/PointsView.vue'
import EnterpriseDetailView from '@/features/registry/EnterpriseDetailView.vue'
import EnterpriseFormView from '@/features/registry/EnterpriseFormView.vue'
import HouseholdDetailView from '@/features/registry/HouseholdDetailView.vue'
import HouseholdFormView from '@/features/registry/HouseholdFormView.vue'
import RegistryView from '@/features/registry/RegistryView.vue'
import ResidentDetailView from '@/features/registry/ResidentDetailView.vue'
import ResidentFormView from '@/features/registry/ResidentFormView.vue'
import ReportView from '@/features/report/ReportView.vue'
import SearchView from '@/features/search/SearchView.vue'
import PasswordView from '@/features/settings/PasswordView.vue'
import SettingsView from '@/features/settings/SettingsView.vue'
import TaskDetailView from '@/features/task-detail/TaskDetailView.vue'
import TasksView from '@/features/tasks/TasksView.vue'
import { loadSession } from '@/session/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session; shown without the tab bar. */
    public?: boolean
    /** i18n key of the navigation bar title. */
    titleKey?: string
    /** A screen under another: the navigation bar offers a way back. */
    back?: boolean
    /** Where "back" goes when the screen was opened with no history behind it. */
    up?: string
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
  {
    path: '/tasks/:id',
    name: 'task',
    component: TaskDetailView,
    meta: { titleKey: 'taskDetail.title', back: true },
  },
  {
    path: '/registry',
    name: 'registry',
    component: RegistryView,
    meta: { titleKey: 'registry.title' },
  },
  {
    path: '/registry/households/new',
    name: 'household-new',
    component: HouseholdFormView,
    meta: { titleKey: 'rowForm.newHousehold', back: true },
  },
  {
    path: '/registry/households/:id',
    name: 'household',
    component: HouseholdDetailView,
    meta: { titleKey: 'registry.householdTitle', back: true },
  },
  {
    path: '/registry/households/:id/edit',
    name: 'household-edit',
    component: HouseholdFormView,
    meta: { titleKey: 'rowForm.editHousehold', back: true },
  },
  {
    path: '/registry/residents/new',
    name: 'resident-new',
    component: ResidentFormView,
    meta: { titleKey: 'rowForm.newResident', back: true },
  },
  {
    path: '/registry/residents/:id',
    name: 'resident',
    component: ResidentDetailView,
    meta: { titleKey: 'registry.residentTitle', back: true },
  },
  {
    path: '/registry/residents/:id/edit',
    name: 'resident-edit',
    component: ResidentFormView,
    meta: { titleKey: 'rowForm.editResident', back: true },
  },
  {
    path: '/registry/enterprises/new',
    name: 'enterprise-new',
    component: EnterpriseFormView,
    meta: { titleKey: 'rowForm.newEnterprise', back: true },
  },
  {
    path: '/registry/enterprises/:id',
    name: 'enterprise',
    component: EnterpriseDetailView,
    meta: { titleKey: 'registry.enterpriseTitle', back: true },
  },
  {
    path: '/registry/enterprises/:id/edit',
    name: 'enterprise-edit',
    component: EnterpriseFormView,
    meta: { titleKey: 'rowForm.editEnterprise', back: true },
  },
  {
    path: '/search',
    name: 'search',
    component: SearchView,
    meta: { titleKey: 'search.title', back: true },
  },
  {
    path: '/conflicts',
    name: 'conflicts',
    component: ConflictsView,
    meta: { titleKey: 'conflicts.title', back: true },
  },
  {
    path: '/more',
    name: 'more',
    component: MoreView,
    meta: { titleKey: 'more.title' },
  },
  {
    path: '/patrol',
    name: 'patrol',
    component: PatrolView,
    meta: { titleKey: 'patrol.title', back: true, up: '/more' },
  },
  {
    path: '/patrol/visit',
    name: 'patrol-visit',
    component: VisitView,
    meta: { titleKey: 'visit.title', back: true, up: '/patrol' },
  },
  {
    path: '/patrol/day',
    name: 'patrol-day',
    component: DaySummaryView,
    meta: { titleKey: 'daySummary.title', back: true, up: '/patrol' },
  },
  {
    path: '/points',
    name: 'points',
    component: PointsView,
    meta: { titleKey: 'points.title', back: true, up: '/more' },
  },
  {
    path: '/map',
    name: 'map',
    component: MapView,
    meta: { titleKey: 'map.title', back: true, up: '/more' },
  },
  {
    path: '/notices',
    name: 'notices',
    component: NoticesView,
    meta: { titleKey: 'notices.title', back: true, up: '/more' },
  },
  {
    path: '/settings',
    name: 'settings',
    component: SettingsView,
    meta: { titleKey: 'settings.title', back: true, up: '/more' },
  },
  {
    path: '/settings/password',
    name: 'settings-password',
    component: PasswordView,
    meta: { titleKey: 'settings.password', back: true, up: '/settings' },
  },
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

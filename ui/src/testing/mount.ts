/**
 * Mounting helpers for component specs: the real i18n, Vant and a memory router with
 * stand-in screens, so a component renders as it does in the app. Not part of the app.
 */
import { enableAutoUnmount, mount, type ComponentMountingOptions } from '@vue/test-utils'
import type { Component } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'

import { createAppI18n, type AppLocale } from '@/i18n'
import { vantPlugin } from '@/vant'
import { afterEach } from 'vitest'

enableAutoUnmount(afterEach)

const Blank = { render: () => null }

export function createTestRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: ['home', 'login', 'report', 'my-reports', 'tasks'].map((name) => ({
      path: `/${name}`,
      name,
      component: Blank,
    })),
  })
}

export async function mountInApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: AppLocale } = {},
) {
  const { locale = 'zh-CN', ...mountOptions } = options
  const router = createTestRouter()
  await router.push('/report')
  const host = document.createElement('div')
  document.body.append(host)
  // Attached, because a detached form ignores a click on its submit button.
  const wrapper = mount(component, {
    attachTo: host,
    ...mountOptions,
    global: { plugins: [createAppI18n(locale), router, vantPlugin] },
  } as ComponentMountingOptions<C>)
  return { wrapper, router }
}

/**
 * Mounting a screen for component specs with every named route of the app present (as
 * blank stand-ins), so screens that navigate by route name can be followed. Built on
 * the shared helper's i18n and Vant set-up. Not part of the app.
 */
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { defineComponent, h, type Component } from 'vue'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'

import { createAppI18n, type AppLocale } from '@/i18n'
import { routes } from '@/router'
import { vantPlugin } from '@/vant'
// Registers the auto-unmount after each test.
import '@/testing/mount'

const Blank = { render: () => null }

/**
 * Vant's List stand-in: shows its rows and emits `load` only when a spec says so. The
 * real one measures the page, and in a DOM without layout every list looks too short,
 * so it would fetch page after page on its own.
 */
export const ListStub = defineComponent({
  props: { loading: Boolean, finished: Boolean, error: Boolean },
  emits: ['load', 'update:loading', 'update:error'],
  setup(_, { slots }) {
    return () => h('div', { class: 'list-stub' }, slots.default?.())
  },
})

export function createScreenRouter() {
  const named = routes
    .filter((route): route is RouteRecordRaw & { name: string } => typeof route.name === 'string')
    .map((route) => ({ path: route.path, name: route.name, component: Blank, meta: route.meta }))
  return createRouter({ history: createMemoryHistory(), routes: named })
}

export async function mountScreen<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: AppLocale; path?: string } = {},
) {
  const { locale = 'zh-CN', path = '/home', global = {}, ...mountOptions } = options
  const router = createScreenRouter()
  await router.push(path)
  const host = document.createElement('div')
  document.body.append(host)
  const wrapper = mount(component, {
    attachTo: host,
    ...mountOptions,
    global: { ...global, plugins: [createAppI18n(locale), router, vantPlugin] },
  } as ComponentMountingOptions<C>)
  return { wrapper, router }
}

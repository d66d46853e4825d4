/**
 * Languages of the app. Simplified Chinese is the default; the leader's choice is kept
 * in localStorage so it survives restarts. Vant's own strings (dialog buttons and the
 * like) follow the same switch.
 */
import { Locale as VantLocale } from 'vant'
import vantEnUS from 'vant/es/locale/lang/en-US'
import vantZhCN from 'vant/es/locale/lang/zh-CN'
import { createI18n, useI18n } from 'vue-i18n'

import en from './en'
import zhCN, { type MessageSchema } from './zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof LOCALES)[number]

/** Each language named in itself, as language pickers do; not translated on purpose. */
export const LOCALE_NAMES: Record<AppLocale, string> = {
  'zh-CN': '简体中文',
  en: 'English',
}

const STORAGE_KEY = 'gridline.locale'

function isAppLocale(value: unknown): value is AppLocale {
  return LOCALES.some((locale) => locale === value)
}

function storedLocale(): AppLocale {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return isAppLocale(value) ? value : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export function createAppI18n(locale: AppLocale = storedLocale()) {
  applyVantLocale(locale)
  return createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
  })
}

function applyVantLocale(locale: AppLocale): void {
  if (locale === 'en') {
    VantLocale.use('en-US', vantEnUS)
  } else {
    VantLocale.use('zh-CN', vantZhCN)
  }
  document.documentElement.lang = locale
}

/**
 * Switches the language now and remembers it for the next start. `current` is the
 * global composer's locale (what `useAppI18n().locale` returns in a component).
 */
export function setLocale(current: { value: string }, locale: AppLocale): void {
  current.value = locale
  applyVantLocale(locale)
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Storage can be unavailable (private mode, full disk); the switch still applies now.
  }
}

/** The i18n composer, typed with the message schema so keys are checked. */
export function useAppI18n() {
  return useI18n<{ message: MessageSchema }, AppLocale>()
}

/**
 * Localized text for an error code. Codes this build does not know yet (a newer core)
 * still show something useful: a generic sentence carrying the code for support calls.
 */
export function useErrorText() {
  const { t, te } = useAppI18n()
  return (error: { code: string }): string => {
    const key = `errors.${error.code}`
    return error.code !== 'unknown' && te(key) ? t(key) : t('errors.unknown', { code: error.code })
  }
}

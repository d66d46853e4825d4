import { createApp } from 'vue'

import App from './App.vue'
import { networkOnline } from './api'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import { vantPlugin } from './vant'

import './styles.css'

// Work queued offline leaves as soon as the signal returns, not at the end
// of the background sync's current wait.
window.addEventListener('online', () => {
  networkOnline().catch(() => undefined)
})

createApp(App).use(createAppI18n()).use(createAppRouter()).use(vantPlugin).mount('#app')

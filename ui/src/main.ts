import { createApp } from 'vue'

import App from './App.vue'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import { vantPlugin } from './vant'

import './styles.css'

createApp(App).use(createAppI18n()).use(createAppRouter()).use(vantPlugin).mount('#app')

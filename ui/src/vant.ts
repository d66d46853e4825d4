/**
 * The Vant components this app uses, registered once with only their own styles, so
 * the bundle carries neither unused components nor Vant's full stylesheet.
 */
import type { App } from 'vue'
import {
  ActionSheet,
  Button,
  Cell,
  CellGroup,
  Empty,
  Field,
  Icon,
  Loading,
  NavBar,
  PullRefresh,
  Tabbar,
  TabbarItem,
  Tag,
} from 'vant'

import 'vant/es/action-sheet/style/index'
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/dialog/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/field/style/index'
import 'vant/es/icon/style/index'
import 'vant/es/loading/style/index'
import 'vant/es/nav-bar/style/index'
import 'vant/es/pull-refresh/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/toast/style/index'

const components = [
  ActionSheet,
  Button,
  Cell,
  CellGroup,
  Empty,
  Field,
  Icon,
  Loading,
  NavBar,
  PullRefresh,
  Tabbar,
  TabbarItem,
  Tag,
]

export const vantPlugin = {
  install(app: App): void {
    for (const component of components) app.use(component)
  },
}

/**
 * The Vant components this app uses, registered once with only their own styles, so
 * the bundle carries neither unused components nor Vant's full stylesheet.
 */
import type { App } from 'vue'
import {
  ActionSheet,
  Badge,
  Button,
  Cell,
  CellGroup,
  Checkbox,
  CheckboxGroup,
  Empty,
  Field,
  Icon,
  List,
  Loading,
  NavBar,
  Popup,
  PullRefresh,
  Tabbar,
  TabbarItem,
  Tag,
} from 'vant'

import 'vant/es/action-sheet/style/index'
import 'vant/es/badge/style/index'
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/checkbox/style/index'
import 'vant/es/checkbox-group/style/index'
import 'vant/es/dialog/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/field/style/index'
import 'vant/es/icon/style/index'
import 'vant/es/image-preview/style/index'
import 'vant/es/list/style/index'
import 'vant/es/loading/style/index'
import 'vant/es/nav-bar/style/index'
import 'vant/es/popup/style/index'
import 'vant/es/pull-refresh/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/toast/style/index'

const components = [
  ActionSheet,
  Badge,
  Button,
  Cell,
  CellGroup,
  Checkbox,
  CheckboxGroup,
  Empty,
  Field,
  Icon,
  List,
  Loading,
  NavBar,
  Popup,
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

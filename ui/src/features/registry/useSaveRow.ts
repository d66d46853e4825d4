import { showToast } from 'vant'
import { ref } from 'vue'
import { useRouter } from 'vue-router'

import * as api from '@/api'
import { toAppError } from '@/errors'
import { useAppI18n, useErrorText } from '@/i18n'
import { refreshSyncState } from '@/sync/syncStore'
import type { Entity, RowFields } from '@/types'

import { registryChanged } from './registryStore'

/**
 * Saving an add or edit form: locally (it works offline), then back to the row's
 * detail. A refusal from the core (it checks every field again) shows on the form.
 */
export function useSaveRow(entity: Entity, detailRoute: string) {
  const { t } = useAppI18n()
  const errorText = useErrorText()
  const router = useRouter()

  const saving = ref(false)
  const error = ref('')

  function afterSave(): void {
    registryChanged()
    void refreshSyncState()
    showToast(t('rowForm.saved'))
  }

  async function save(id: string | null, fields: RowFields | null): Promise<void> {
    error.value = ''
    if (fields === null) {
      error.value = t('rowForm.fixErrors')
      return
    }
    if (id !== null && Object.keys(fields).length === 0) {
      showToast(t('rowForm.noChanges'))
      return
    }
    saving.value = true
    try {
      if (id === null) {
        const created = await api.createRow(entity, fields)
        afterSave()
        // The form gives way to the new row, so Back leads to where the leader came from.
        await router.replace({ name: detailRoute, params: { id: created } })
      } else {
        await api.editRow(entity, id, fields)
        afterSave()
        // Back to the detail the edit was opened from, which reads the row again.
        if (router.options.history.state.back) router.back()
        else await router.replace({ name: detailRoute, params: { id } })
      }
    } catch (reason) {
      error.value = errorText(toAppError(reason))
    } finally {
      saving.value = false
    }
  }

  return { saving, error, save }
}

import { useAppI18n } from '@/i18n'

import { distanceParts } from './format'

/** "850 米", "1.24 公里". */
export function useDistance() {
  const { t } = useAppI18n()
  return (metres: number): string => {
    const { unit, n } = distanceParts(metres)
    return t(`patrol.${unit}`, { n })
  }
}

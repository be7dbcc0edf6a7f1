import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AttemptSummary } from '../../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../../shared/domain/historyFilter.ts'
import type { AttemptDetail, StatusStrip } from '../../../shared/domain/historyViews.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import type { HistoryScope } from '../../../shared/domain/teamViews.ts'
import { otp } from '../api/bridge.ts'

export const PAGE_SIZE = 200

/** The request's scope field: absent for this computer (the requests as before), 'team' otherwise. */
const scoped = (scope: HistoryScope): { scope?: 'team' } => (scope === 'team' ? { scope: 'team' } : {})

/**
 * The History list: keyset-paged rows for the current filter, the total, the status strip and
 * the open attempt. Rows live in a shallowRef (no deep proxies: there may be very many); a
 * page appended makes a new array (cheap next to the IPC round trip) so that props update.
 * `resultId` changes only when a new result set replaces the rows (the table then scrolls to
 * the top). Every load carries a generation number so an answer for an old filter is dropped.
 */
export const useHistoryStore = defineStore('history', () => {
  const filter = shallowRef<HistoryFilter>({})
  /** Whose attempts: this computer's, or the team's (rows then carry machine and console). */
  const scope = ref<HistoryScope>('local')
  const rows = shallowRef<AttemptSummary[]>([])
  const nextCursor = ref<string | null>(null)
  const total = ref<number | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = shallowRef<AppError | null>(null)
  const loaded = ref(false)
  const resultId = ref(0)
  let generation = 0

  const hasMore = computed(() => nextCursor.value !== null)

  const strip = shallowRef<StatusStrip | null>(null)
  const stripError = shallowRef<AppError | null>(null)

  const detailId = ref<number | null>(null)
  const detail = shallowRef<AttemptDetail | null>(null)
  const detailLoading = ref(false)
  const detailError = shallowRef<AppError | null>(null)
  let detailGeneration = 0

  /** Replaces the filter (and scope) and loads its first page and count. */
  async function apply(next: HistoryFilter, nextScope: HistoryScope = scope.value): Promise<void> {
    const gen = ++generation
    filter.value = next
    scope.value = nextScope
    loading.value = true
    loadingMore.value = false
    error.value = null
    total.value = null
    const [page, count] = await Promise.all([
      otp().queryHistory({ filter: next, limit: PAGE_SIZE, ...scoped(nextScope) }),
      otp().countHistory({ filter: next, ...scoped(nextScope) }),
    ])
    if (gen !== generation) return
    loading.value = false
    loaded.value = true
    resultId.value++
    if (page.ok) {
      rows.value = page.value.rows
      nextCursor.value = page.value.nextCursor
    } else {
      rows.value = []
      nextCursor.value = null
      error.value = page.error
    }
    total.value = count.ok ? count.value.total : null
  }

  /** Lists nothing (e.g. while the date range is invalid): no query, an empty, counted result. */
  function showNothing(next: HistoryFilter, nextScope: HistoryScope = scope.value): void {
    generation++
    filter.value = next
    scope.value = nextScope
    loading.value = false
    loadingMore.value = false
    error.value = null
    loaded.value = true
    resultId.value++
    rows.value = []
    nextCursor.value = null
    total.value = 0
  }

  /** Fetches the page after the last row (no-op while a load is running or at the end). */
  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value
    if (cursor === null || loading.value || loadingMore.value) return
    const gen = generation
    loadingMore.value = true
    const page = await otp().queryHistory({ filter: filter.value, cursor, limit: PAGE_SIZE, ...scoped(scope.value) })
    if (gen !== generation) return
    loadingMore.value = false
    if (page.ok) {
      rows.value = rows.value.concat(page.value.rows)
      nextCursor.value = page.value.nextCursor
    } else {
      error.value = page.error
    }
  }

  function refresh(): Promise<void> {
    return apply(filter.value)
  }

  async function loadStrip(): Promise<void> {
    const r = await otp().getStatusStrip()
    if (r.ok) {
      strip.value = r.value
      stripError.value = null
    } else {
      stripError.value = r.error
    }
  }

  async function openDetail(id: number): Promise<void> {
    if (detailId.value === id && (detail.value?.record.id === id || detailLoading.value)) return
    await loadDetail(id)
  }

  async function loadDetail(id: number): Promise<void> {
    const gen = ++detailGeneration
    detailId.value = id
    detailLoading.value = true
    detailError.value = null
    if (detail.value?.record.id !== id) detail.value = null
    const r = await otp().getAttempt({ id, ...scoped(scope.value) })
    if (gen !== detailGeneration) return
    detailLoading.value = false
    if (r.ok) detail.value = r.value
    else {
      detail.value = null
      detailError.value = r.error
    }
  }

  function closeDetail(): void {
    detailGeneration++
    detailId.value = null
    detail.value = null
    detailLoading.value = false
    detailError.value = null
  }

  return {
    filter,
    scope,
    rows,
    nextCursor,
    total,
    loading,
    loadingMore,
    error,
    loaded,
    resultId,
    hasMore,
    strip,
    stripError,
    detailId,
    detail,
    detailLoading,
    detailError,
    apply,
    showNothing,
    loadMore,
    refresh,
    loadStrip,
    openDetail,
    loadDetail,
    closeDetail,
  }
})

import { describe, expect, it } from 'vitest'
import { createRunHeapGrowth, RUN_HEAP_GROWING_PERCENT, setByOperator } from './runHeapGrowth.ts'

describe('run heap growth', () => {
  it('holds V8 heap growth down while runs are active, once, and gives it back to V8 when none is', () => {
    const set: string[] = []
    const growth = createRunHeapGrowth((flags) => set.push(flags), false)
    growth.update(1)
    growth.update(2)
    expect(set).toEqual([`--heap-growing-percent=${RUN_HEAP_GROWING_PERCENT}`])
    growth.update(1)
    growth.update(0)
    growth.update(0)
    expect(set).toEqual([`--heap-growing-percent=${RUN_HEAP_GROWING_PERCENT}`, '--heap-growing-percent=0'])
  })

  it('leaves a growth the operator set for the process as it is', () => {
    const set: string[] = []
    const growth = createRunHeapGrowth((flags) => set.push(flags), true)
    growth.update(1)
    growth.update(0)
    expect(set).toEqual([])
  })

  it('knows the operator set the growth on the command line or in NODE_OPTIONS, and only then', () => {
    expect(setByOperator(['--heap-growing-percent=30'], '')).toBe(true)
    expect(setByOperator(['--max-semi-space-size=16'], '--max-old-space-size=512 --heap-growing-percent=20')).toBe(true)
    expect(setByOperator(['--max-semi-space-size=16'], '--max-old-space-size=512')).toBe(false)
    expect(setByOperator([], '')).toBe(false)
  })
})

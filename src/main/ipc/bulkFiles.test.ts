import { describe, expect, it } from 'vitest'
import { createPickedFiles } from './bulkFiles.ts'

describe('picked files', () => {
  it('gives each picked path an opaque id and answers only ids it gave', () => {
    const files = createPickedFiles()
    const { fileId, name } = files.add('/home/ada/cards/branch.csv')
    expect(name).toBe('branch.csv')
    expect(fileId).not.toContain('branch')
    expect(files.path(fileId)).toBe('/home/ada/cards/branch.csv')
    expect(files.path('/home/ada/cards/branch.csv')).toBeUndefined()
    expect(files.path('not-an-id')).toBeUndefined()
  })

  it('remembers the bytes last previewed for a file it knows', () => {
    const files = createPickedFiles()
    const { fileId } = files.add('/a.csv')
    expect(files.previewedSha256(fileId)).toBeUndefined()
    files.previewed(fileId, 'ab12')
    files.previewed('unknown', 'cd34')
    expect(files.previewedSha256(fileId)).toBe('ab12')
    expect(files.previewedSha256('unknown')).toBeUndefined()
  })

  it('forgets the oldest picks past its limit', () => {
    const files = createPickedFiles(2)
    const first = files.add('/a.csv')
    const second = files.add('/b.csv')
    const third = files.add('/c.csv')
    expect(files.path(first.fileId)).toBeUndefined()
    expect(files.path(second.fileId)).toBe('/b.csv')
    expect(files.path(third.fileId)).toBe('/c.csv')
  })
})

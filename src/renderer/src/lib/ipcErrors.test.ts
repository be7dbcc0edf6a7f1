import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../shared/domain/result.ts'
import { describeAppError } from './ipcErrors.ts'

describe('IPC errors in plain words', () => {
  it('has a title and keeps main’s message for every code', () => {
    for (const code of ERROR_CODES) {
      const view = describeAppError({ code, message: `msg-${code}` }, 'Sandbox')
      expect(view.title.length).toBeGreaterThan(3)
      expect(view.message).toBe(`msg-${code}`)
      expect(view.title).not.toBe('Unexpected error')
    }
  })

  it('links to Settings for credential problems only', () => {
    expect(describeAppError({ code: 'missing-credentials', message: 'x' }, 'Sandbox')).toMatchObject({ settingsLink: true, title: 'No credentials for Sandbox' })
    expect(describeAppError({ code: 'keychain-unavailable', message: 'x' }).settingsLink).toBe(true)
    expect(describeAppError({ code: 'busy', message: 'x' }).settingsLink).toBe(false)
  })

  it('passes per-field messages through', () => {
    expect(describeAppError({ code: 'invalid-input', message: 'x', fields: { phone: 'bad' } }).fields).toEqual({ phone: 'bad' })
  })
})

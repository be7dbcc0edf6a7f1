import type { z } from 'zod'

// For the tests that walk the contract's request schemas (contractLimits.test.ts,
// src/main/ipcFuzz.test.ts; not shipped code): what a zod 4 schema's definition holds.

export interface ZodDef {
  type: string
  checks?: { _zod: { def: { check: string; maximum?: number } } }[]
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  in?: z.ZodType
  out?: z.ZodType
  entries?: Record<string, string>
}

export const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def

/** The `.max()` of a string or array schema, undefined when it has none. */
export const maxLengthOf = (def: ZodDef): number | undefined => def.checks?.find((check) => check._zod.def.check === 'max_length')?._zod.def.maximum

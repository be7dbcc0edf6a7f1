import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { BulkFileError } from './csvFileError.ts'

// The bytes of a CSV file, a chunk at a time, checked to be UTF-8 text (with or without its
// BOM). UTF-16 (what Excel's "Unicode Text" saves) is refused with a clear error rather than
// read as garbage: by its BOM, or by NUL bytes, which UTF-8 text never holds. Bytes that are
// not UTF-8 (a file saved as Windows-1252) are refused too rather than guessed at.

const CHUNK_BYTES = 64 * 1024

const UTF16_MESSAGE = 'The file is UTF-16 (Excel’s "Unicode Text"), not UTF-8. Save it again as "CSV UTF-8 (Comma delimited)".'

export interface CheckedFile {
  /** The file's bytes, a chunk at a time, each checked; ends the file's hash. */
  chunks: AsyncGenerator<Buffer, void, undefined>
  /** SHA-256 (hex) of the file's bytes, once `chunks` has ended. */
  sha256(): string
}

export function readCheckedFile(path: string): CheckedFile {
  let digest: string | undefined
  return {
    chunks: checkedChunks(path, (hex) => {
      digest = hex
    }),
    sha256() {
      if (digest === undefined) throw new Error('The file has not been read to its end yet.')
      return digest
    },
  }
}

async function* checkedChunks(path: string, done: (sha256: string) => void): AsyncGenerator<Buffer, void, undefined> {
  const hash = createHash('sha256')
  // Decodes only to check (TextDecoder is native and fast); csv-parse reads the bytes.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES })
  let offset = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (offset === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
        throw new BulkFileError('utf16', UTF16_MESSAGE)
      }
      if (chunk.indexOf(0) !== -1) throw new BulkFileError('utf16', `${UTF16_MESSAGE} (It holds NUL bytes, which a UTF-8 CSV file never does.)`)
      checkUtf8(decoder, chunk, offset)
      hash.update(chunk)
      offset += chunk.length
      yield chunk
    }
    checkUtf8(decoder, undefined, offset)
    done(hash.digest('hex'))
  } catch (error) {
    if (error instanceof BulkFileError) throw error
    throw new BulkFileError('unreadable', `The file could not be read: ${(error as Error).message}`)
  } finally {
    stream.destroy()
  }
}

function checkUtf8(decoder: TextDecoder, chunk: Buffer | undefined, offset: number): void {
  try {
    if (chunk === undefined) decoder.decode()
    else decoder.decode(chunk, { stream: true })
  } catch {
    throw new BulkFileError('not-utf8', `The file is not UTF-8 (invalid bytes within its first ${offset + (chunk?.length ?? 0)} bytes). Save it again as "CSV UTF-8 (Comma delimited)".`)
  }
}

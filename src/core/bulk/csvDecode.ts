import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { BulkFileError } from './csvFileError.ts'

// The bytes of a CSV file as text, a chunk at a time: UTF-8 with or without its BOM (the
// decoder drops it). UTF-16 (what Excel's "Unicode Text" saves) is refused with a clear error
// rather than read as garbage: by its BOM, or by NUL bytes, which UTF-8 text never holds.
// Bytes that are not UTF-8 (a file saved as Windows-1252) are refused too: guessing the
// encoding could change a digit-looking name into another.

const CHUNK_BYTES = 64 * 1024

const UTF16_MESSAGE =
  'The file is UTF-16 (Excel’s "Unicode Text"), not UTF-8. Save it again as "CSV UTF-8 (Comma delimited)".'

export interface DecodedFile {
  /** The text of the file, a chunk at a time (BOM removed). */
  chunks: AsyncGenerator<string, void, undefined>
  /** SHA-256 (hex) of the bytes read; the whole file's once `chunks` has ended. */
  sha256(): string
}

export function decodeFile(path: string): DecodedFile {
  const hash = createHash('sha256')
  let digest: string | undefined
  return {
    chunks: decodeChunks(path, hash, () => {
      digest = hash.digest('hex')
    }),
    sha256() {
      if (digest === undefined) throw new Error('The file has not been read to its end yet.')
      return digest
    },
  }
}

async function* decodeChunks(path: string, hash: Hash, done: () => void): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES })
  let offset = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (offset === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
        throw new BulkFileError('utf16', UTF16_MESSAGE)
      }
      if (chunk.indexOf(0) !== -1) throw new BulkFileError('utf16', `${UTF16_MESSAGE} (It holds NUL bytes, which a UTF-8 CSV file never does.)`)
      hash.update(chunk)
      offset += chunk.length
      yield decode(decoder, chunk, offset)
    }
    const rest = decode(decoder, undefined, offset)
    done()
    if (rest !== '') yield rest
  } catch (error) {
    if (error instanceof BulkFileError) throw error
    throw new BulkFileError('unreadable', `The file could not be read: ${(error as Error).message}`)
  } finally {
    stream.destroy()
  }
}

function decode(decoder: TextDecoder, chunk: Buffer | undefined, offset: number): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true })
  } catch {
    throw new BulkFileError(
      'not-utf8',
      `The file is not UTF-8 (invalid bytes within its first ${offset} bytes). Save it again as "CSV UTF-8 (Comma delimited)".`,
    )
  }
}

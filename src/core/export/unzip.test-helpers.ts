import { openPromise } from 'yauzl'

/** Every member of a zip as UTF-8 text, read with a standard zip reader (tests only). */
export async function unzipAll(path: string): Promise<Map<string, string>> {
  const zip = await openPromise(path, { lazyEntries: true })
  const files = new Map<string, string>()
  try {
    for await (const entry of zip.eachEntry()) {
      const stream = await zip.openReadStreamPromise(entry)
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(chunk as Buffer)
      files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'))
    }
  } finally {
    zip.close()
  }
  return files
}

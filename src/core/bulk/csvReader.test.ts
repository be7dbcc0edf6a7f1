import { writeFileSync, appendFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BulkFileProblem, BulkRow } from '../../shared/domain/bulk.ts'
import { eachRow, inspectBulkFile, openBulkCsv, type BulkCsvOptions } from './csvReader.ts'
import { isBulkFileError } from './csvFileError.ts'
import { phoneOf, tempFiles, type TempFiles } from './csvFiles.test-helpers.ts'

let files: TempFiles
beforeEach(() => {
  files = tempFiles()
})
afterEach(() => files.cleanup())

async function readAll(path: string, options: BulkCsvOptions = {}): Promise<BulkRow[]> {
  const csv = await openBulkCsv(path, options)
  const rows: BulkRow[] = []
  for await (const row of eachRow(csv)) rows.push(row)
  return rows
}

/** The file error reading the whole file gives (fails the test when there is none). */
async function fileProblem(path: string, options: BulkCsvOptions = {}): Promise<{ problem: BulkFileProblem; message: string; line?: number }> {
  try {
    await readAll(path, options)
  } catch (error) {
    if (isBulkFileError(error)) return error.failure
    throw error
  }
  throw new Error('the file was read without an error')
}

const pick = (rows: BulkRow[]) => rows.map(({ line, paymentId, phone, transactionRef }) => ({ line, paymentId, phone, transactionRef }))

describe('reading a bulk CSV file', () => {
  it('reads what Excel saves: UTF-8 BOM, semicolons, CRLF, quoted cells with separators and line breaks', async () => {
    const path = files.write('excel.csv', '\uFEFFPayment Id;Mobile Phone;Transaction Ref\r\n123;0803 123 4567;"JB;1"\r\n"456";"+234 803 123 4568";"two\r\nlines"\r\n789;08031234569;\r\n')
    const csv = await openBulkCsv(path)
    expect(csv.header).toEqual({
      delimiter: ';',
      headers: ['Payment Id', 'Mobile Phone', 'Transaction Ref'],
      mapping: { paymentId: 'Payment Id', phone: 'Mobile Phone', transactionRef: 'Transaction Ref' },
      unresolved: [],
    })
    const rows: BulkRow[] = []
    for await (const row of eachRow(csv)) rows.push(row)
    expect(pick(rows)).toEqual([
      { line: 2, paymentId: '123', phone: '0803 123 4567', transactionRef: 'JB;1' },
      { line: 3, paymentId: '456', phone: '+234 803 123 4568', transactionRef: 'two\r\nlines' },
      { line: 5, paymentId: '789', phone: '08031234569', transactionRef: '' },
    ])
    expect(rows[0]?.values).toEqual(['123', '0803 123 4567', 'JB;1'])
  })

  it('reads commas and LF without a BOM, quoted commas kept in their cell', async () => {
    const path = files.write('plain.csv', 'paymentId,phone\n"1,2",08031234567\n3,"0803,1234568"\n')
    expect(pick(await readAll(path))).toEqual([
      { line: 2, paymentId: '1,2', phone: '08031234567', transactionRef: '' },
      { line: 3, paymentId: '3', phone: '0803,1234568', transactionRef: '' },
    ])
  })

  it('recognises header names whatever their case, spaces and punctuation', async () => {
    for (const [payment, phone] of [
      ['PAYMENT_ID', 'MSISDN'],
      ['payment-id', 'Phone Number'],
      [' Payment  ID ', 'mobile'],
    ] as const) {
      const path = files.write('names.csv', `${payment},${phone}\n1,08031234567\n`)
      const header = await inspectBulkFile(path)
      expect(header).toEqual({ ok: true, value: expect.objectContaining({ mapping: { paymentId: payment.trim(), phone }, unresolved: [] }) })
    }
  })

  it('reads a file whose line endings mix CRLF and LF', async () => {
    const path = files.write('mixed.csv', 'payment id,phone\r\n1,08031234567\n2,08031234568\r\n')
    expect((await readAll(path)).map((row) => row.line)).toEqual([2, 3])
  })

  it('skips blank lines, lines of spaces and lines of bare separators, and still numbers lines as the file has them', async () => {
    const path = files.write('blank.csv', 'payment id,phone\n\n1,08031234567\n   \n,\n\r\n2,08031234568\n\n')
    expect(pick(await readAll(path))).toEqual([
      { line: 3, paymentId: '1', phone: '08031234567', transactionRef: '' },
      { line: 7, paymentId: '2', phone: '08031234568', transactionRef: '' },
    ])
  })

  it('keeps formula-like cells as plain text, never evaluated', async () => {
    const path = files.write('formula.csv', 'payment id,phone\n=1+2,@SUM(A1)\n"-2+3","=HYPERLINK(""http://x"")"\n+1,=HYPERLINK("y")\n')
    expect(pick(await readAll(path))).toEqual([
      { line: 2, paymentId: '=1+2', phone: '@SUM(A1)', transactionRef: '' },
      { line: 3, paymentId: '-2+3', phone: '=HYPERLINK("http://x")', transactionRef: '' },
      { line: 4, paymentId: '+1', phone: '=HYPERLINK("y")', transactionRef: '' },
    ])
  })

  it('keeps duplicated rows as they are (the preview flags them)', async () => {
    const path = files.write('dup.csv', 'payment id,phone\n1,08031234567\n1,08031234567\n')
    expect((await readAll(path)).map((row) => row.paymentId)).toEqual(['1', '1'])
  })

  it('gives a short row empty cells for the missing columns', async () => {
    const path = files.write('short.csv', 'payment id,phone,ref\n1\n')
    expect(pick(await readAll(path))).toEqual([{ line: 2, paymentId: '1', phone: '', transactionRef: '' }])
  })

  it('hashes the bytes of the file (the run checks it reads the file the preview read)', async () => {
    const text = 'payment id,phone\n1,08031234567\n'
    const csv = await openBulkCsv(files.write('h.csv', text))
    expect(() => csv.sha256()).toThrow(/not been read/)
    for await (const _ of csv.batches) void _
    expect(csv.sha256()).toBe(createHash('sha256').update(text).digest('hex'))
  })

  it('reads a file of many chunks in order, every row once', async () => {
    let text = 'payment id,phone\n'
    for (let i = 0; i < 20_000; i++) text += `${i},"${phoneOf(i)}"\n`
    const rows = await readAll(files.write('many.csv', text))
    expect(rows).toHaveLength(20_000)
    expect(rows.every((row, i) => row.paymentId === String(i) && row.line === i + 2 && row.phone === phoneOf(i))).toBe(true)
  })
})

describe('column mapping', () => {
  it('says which roles need mapping when the headers are not recognised', async () => {
    const path = files.write('unknown.csv', 'Card Payment,GSM Line,Note\n1,08031234567,x\n')
    expect(await inspectBulkFile(path)).toEqual({
      ok: true,
      value: { delimiter: ',', headers: ['Card Payment', 'GSM Line', 'Note'], mapping: {}, unresolved: ['paymentId', 'phone'] },
    })
    const problem = await fileProblem(path)
    expect(problem.problem).toBe('missing-columns')
    expect(problem.message).toContain('"Card Payment", "GSM Line", "Note"')
  })

  it('reads the file with an explicit mapping (role → header), used as given', async () => {
    const path = files.write('unknown.csv', 'Card Payment,GSM Line,Reference\n1,08031234567,R1\n')
    expect(pick(await readAll(path, { mapping: { paymentId: 'Card Payment', phone: 'GSM Line' } }))).toEqual([
      { line: 2, paymentId: '1', phone: '08031234567', transactionRef: '' },
    ])
    const csv = await openBulkCsv(path, { mapping: { paymentId: 'Card Payment', phone: 'GSM Line', transactionRef: 'Reference' } })
    expect(csv.mapping).toEqual({ paymentId: 'Card Payment', phone: 'GSM Line', transactionRef: 'Reference' })
  })

  it('refuses a mapping that names a missing header, uses one header twice or leaves a required role out', async () => {
    const path = files.write('unknown.csv', 'A,B\n1,08031234567\n')
    expect(await fileProblem(path, { mapping: { paymentId: 'A', phone: 'C' } })).toMatchObject({ problem: 'bad-mapping', message: expect.stringContaining('"C"') })
    expect(await fileProblem(path, { mapping: { paymentId: 'A', phone: 'A' } })).toMatchObject({ problem: 'bad-mapping' })
    expect(await fileProblem(path, { mapping: { paymentId: 'A' } })).toMatchObject({ problem: 'missing-columns', message: expect.stringContaining('mobile phone') })
  })

  it('asks for a mapping when two headers could be the same role, and refuses a mapped header that appears twice', async () => {
    const path = files.write('two.csv', 'Payment Id,Phone,Mobile\n1,08031234567,08031234568\n')
    const inspected = await inspectBulkFile(path)
    expect(inspected.ok && inspected.value.unresolved).toEqual(['phone'])
    expect(await fileProblem(path)).toMatchObject({ problem: 'ambiguous-columns', message: expect.stringContaining('"Phone", "Mobile"') })
    expect(pick(await readAll(path, { mapping: { paymentId: 'Payment Id', phone: 'Mobile' } }))[0]?.phone).toBe('08031234568')
    const twice = files.write('twice.csv', 'Payment Id,Phone,Phone\n1,08031234567,08031234568\n')
    expect(await fileProblem(twice, { mapping: { paymentId: 'Payment Id', phone: 'Phone' } })).toMatchObject({ problem: 'duplicate-headers' })
  })
})

describe('bad files', () => {
  it('refuses an empty file and a file of blank lines', async () => {
    expect(await fileProblem(files.write('empty.csv', ''))).toMatchObject({ problem: 'empty' })
    expect(await fileProblem(files.write('blank.csv', '\r\n\n\r\n'))).toMatchObject({ problem: 'empty' })
  })

  it('refuses a file without a header line, naming what it found', async () => {
    const problem = await fileProblem(files.write('noheader.csv', '266274,08031234567\n266275,08031234568\n'))
    expect(problem).toMatchObject({ problem: 'no-header', line: 1 })
    expect(problem.message).toContain('"266274"')
    expect(await inspectBulkFile(files.write('noheader2.csv', '266274;+234 803 123 4567\n'))).toMatchObject({ ok: false, error: { code: 'bad-file' } })
  })

  it('refuses a file missing the phone column, naming the columns found', async () => {
    const problem = await fileProblem(files.write('nophone.csv', 'Payment Id,Reference\n1,R\n'))
    expect(problem.problem).toBe('missing-columns')
    expect(problem.message).toContain('mobile phone')
    expect(problem.message).toContain('"Payment Id", "Reference"')
  })

  it('refuses UTF-16, by either BOM or by NUL bytes', async () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('payment id,phone\r\n1,08031234567\r\n', 'utf16le')])
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16()
    const noBom = utf16le.subarray(2)
    expect(await fileProblem(files.write('le.csv', utf16le))).toMatchObject({ problem: 'utf16', message: expect.stringContaining('CSV UTF-8') })
    expect(await fileProblem(files.write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be])))).toMatchObject({ problem: 'utf16' })
    expect(await fileProblem(files.write('nobom.csv', noBom))).toMatchObject({ problem: 'utf16' })
  })

  it('refuses bytes that are not UTF-8 (a Windows-1252 file)', async () => {
    const latin1 = Buffer.from('payment id,phone,name\n1,08031234567,Chidi Okaf\xe9\n', 'latin1')
    expect(await fileProblem(files.write('cp1252.csv', latin1))).toMatchObject({ problem: 'not-utf8' })
  })

  it('refuses a 10 MB line without reading past it', async () => {
    // The file ends with bytes that are not UTF-8: a reader that read the whole line (or on to
    // the end of the file) would report those instead.
    const path = files.write('long.csv', 'payment id,phone\n1,')
    appendFileSync(path, Buffer.alloc(10 * 1024 * 1024, 0x37))
    appendFileSync(path, Buffer.from([0x0a, 0xc3, 0x28, 0x0a]))
    expect(await fileProblem(path)).toMatchObject({ problem: 'record-too-long', message: expect.stringContaining('64 KiB') })
  })

  it('refuses a 10 MB header line the same way', async () => {
    const path = files.write('longhead.csv', Buffer.alloc(10 * 1024 * 1024, 0x41))
    appendFileSync(path, Buffer.from([0xc3, 0x28]))
    expect(await fileProblem(path)).toMatchObject({ problem: 'record-too-long' })
  })

  it('refuses a quote that is never closed', async () => {
    expect(await fileProblem(files.write('quote.csv', 'payment id,phone\n1,"0803\n'))).toMatchObject({ problem: 'malformed' })
  })

  it('refuses a 1,000,000-row file at its 100,001st row, without reading the rest', async () => {
    const path = files.write('million.csv', 'payment id,phone\n')
    const block = Array.from({ length: 10_000 }, (_, i) => `${i},${phoneOf(i)}\n`).join('')
    for (let i = 0; i < 100; i++) appendFileSync(path, block)
    appendFileSync(path, Buffer.from([0x00])) // read to the end, it would be refused as UTF-16
    const problem = await fileProblem(path)
    expect(problem).toMatchObject({ problem: 'too-many-rows', line: 100_002 })
    expect(problem.message).toContain('100,000')
  })

  it('counts rows, not lines, against the limit', async () => {
    const path = files.write('limit.csv', 'payment id,phone\n1,08031234567\n\n\n2,08031234568\n')
    expect(await readAll(path, { limits: { maxRows: 2 } })).toHaveLength(2)
    writeFileSync(path, 'payment id,phone\n1,08031234567\n2,08031234568\n3,08031234569\n')
    expect(await fileProblem(path, { limits: { maxRows: 2 } })).toMatchObject({ problem: 'too-many-rows', line: 4 })
  })

  it('refuses a file that cannot be opened', async () => {
    expect(await fileProblem(`${files.dir}/nothing-here.csv`)).toMatchObject({ problem: 'unreadable' })
  })
})

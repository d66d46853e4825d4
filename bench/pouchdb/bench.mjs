// The PouchDB side of the Gridline sync benchmark, one step per process so
// that each step's peak memory is its own.
//
//   node bench.mjs load     --remote URL --docs FILE   fill the server (not timed)
//   node bench.mjs download --remote URL --dir DIR [--batch_size N]
//                                                      fresh local DB, replicate from the server
//   node bench.mjs push     --remote URL --dir DIR --docs FILE
//                                                      local DB holding FILE's docs, replicate to the server
//
// Each prints one JSON line: what it did, the replication time in ms and
// the process's peak resident set (process.resourceUsage().maxRSS, kB).
// PouchDB runs with its defaults (LevelDB on disk, batch_size 100), as an
// app using it would.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import PouchDB from 'pouchdb'

const LOAD_CHUNK = 1000

function options(argv) {
  const opts = {}
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`expected --name value pairs, got ${argv[i]}`)
    }
    opts[argv[i].slice(2)] = argv[i + 1]
  }
  return opts
}

function need(opts, name) {
  if (!opts[name]) throw new Error(`--${name} is required`)
  return opts[name]
}

async function readDocs(file) {
  const docs = JSON.parse(await readFile(file, 'utf8'))
  if (!Array.isArray(docs)) throw new Error(`${file} does not hold an array of docs`)
  return docs
}

async function load(opts) {
  const remote = new PouchDB(need(opts, 'remote'))
  const docs = await readDocs(need(opts, 'docs'))
  const started = performance.now()
  let loaded = 0
  for (let i = 0; i < docs.length; i += LOAD_CHUNK) {
    const results = await remote.bulkDocs(docs.slice(i, i + LOAD_CHUNK))
    const failed = results.filter((r) => r.error)
    if (failed.length > 0) throw new Error(`loading failed: ${JSON.stringify(failed[0])}`)
    loaded += results.length
  }
  const info = await remote.info()
  return { loaded, doc_count: info.doc_count, ms: performance.now() - started }
}

async function download(opts) {
  const started = performance.now()
  const local = new PouchDB(join(need(opts, 'dir'), 'grid'))
  // PouchDB's own batch size unless --batch_size says otherwise.
  const batch = opts.batch_size ? { batch_size: Number(opts.batch_size) } : {}
  const result = await local.replicate.from(need(opts, 'remote'), batch)
  const ms = performance.now() - started
  const info = await local.info()
  await local.close()
  return { ms, docs_written: result.docs_written, doc_count: info.doc_count, ok: result.ok }
}

async function push(opts) {
  const local = new PouchDB(join(need(opts, 'dir'), 'outbox'))
  const docs = await readDocs(need(opts, 'docs'))
  const saved = await local.bulkDocs(docs)
  if (saved.some((r) => r.error)) throw new Error('saving the local docs failed')
  const started = performance.now()
  const result = await local.replicate.to(need(opts, 'remote'))
  const ms = performance.now() - started
  await local.close()
  return { ms, docs_written: result.docs_written, ok: result.ok }
}

const steps = { load, download, push }

async function main() {
  const [command, ...rest] = process.argv.slice(2)
  const step = steps[command]
  if (!step) throw new Error(`unknown step ${command}; expected one of ${Object.keys(steps)}`)
  const result = await step(options(rest))
  result.max_rss_kb = process.resourceUsage().maxRSS
  process.stdout.write(`${JSON.stringify({ step: command, ...result })}\n`)
}

main().catch((error) => {
  process.stderr.write(`pouchdb bench: ${error.stack || error}\n`)
  process.exit(1)
})

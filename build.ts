// Compiles dist/token-hub: one self-contained executable (Bun runtime + all code + embedded default config).
import { mkdirSync } from 'node:fs'

const outfile = process.argv[2] ?? 'dist/token-hub'
mkdirSync('dist', { recursive: true })
const started = performance.now()
const result = Bun.spawnSync(
  [process.execPath, 'build', '--compile', '--minify-syntax', '--minify-whitespace', 'src/main.ts', '--outfile', outfile],
  { stdout: 'inherit', stderr: 'inherit' },
)
if (result.exitCode !== 0) {
  console.error('build failed')
  process.exit(result.exitCode ?? 1)
}
const size = Bun.file(outfile).size
console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`)

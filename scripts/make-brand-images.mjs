#!/usr/bin/env node
/**
 * Makes the studio's brand images in public/: the mark as SVG (icon.svg), rasterised into the favicon
 * (favicon.ico: 16, 32 and 48 px PNGs) and the Apple touch icon (apple-touch-icon.png, 180 px), and
 * the default Open Graph image (og.png, 1200 × 630: the mark, "Takes" and a line under it).
 *
 *   node scripts/make-brand-images.mjs
 *
 * The mark is a clapperboard's striped bar over a "T", in the studio's colours. Its shapes are defined
 * once (MARK below) and drawn twice: as SVG elements, and as per-pixel tests for ffmpeg's geq filter
 * (rendered 8× larger, then scaled down, so edges are smooth). Uses only the ffmpeg that
 * @ffmpeg-installer/ffmpeg ships and DejaVu Sans Bold from dejavu-fonts-ttf, both dependencies.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const publicDir = path.join(root, 'public')
const projectRequire = createRequire(path.join(root, 'package.json'))
const ffmpeg = projectRequire('@ffmpeg-installer/ffmpeg').path
const boldFont = path.join(path.dirname(projectRequire.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans-Bold.ttf')

/** app/globals.css's theme. */
const COLORS = { ink: '#0b0d12', accent: '#7c9cff', text: '#e6e9f2', muted: '#8b93a7', line: '#232836' }

/** The mark on a 64-unit square. */
const MARK = {
  size: 64,
  corner: 14,
  /** The clapper's bar: ink, crossed by accent stripes slanting right. */
  bar: { x: 12, y: 12, width: 40, height: 9 },
  stripe: { period: 12, width: 5, slant: 4 },
  /** The "T": its top bar and its stem. */
  tBar: { x: 12, y: 25, width: 40, height: 8 },
  stem: { x: 28, y: 33, width: 8, height: 19 },
}

function markSvg() {
  const { size, corner, bar, stripe, tBar, stem } = MARK
  const rect = ({ x, y, width, height }, fill) => `<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${fill}"/>`
  const stripes = []
  for (let left = bar.x - stripe.slant; left < bar.x + bar.width; left += stripe.period) {
    const bottom = bar.y + bar.height
    const points = [
      [left + stripe.slant, bar.y],
      [left + stripe.slant + stripe.width, bar.y],
      [left + stripe.width, bottom],
      [left, bottom],
    ]
    stripes.push(`<polygon points="${points.map((point) => point.join(',')).join(' ')}" fill="${COLORS.accent}"/>`)
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}">`,
    '<title>Takes</title>',
    `<defs><clipPath id="bar">${rect(bar, '#000')}</clipPath></defs>`,
    `<rect width="${size}" height="${size}" rx="${corner}" fill="${COLORS.accent}"/>`,
    rect(bar, COLORS.ink),
    `<g clip-path="url(#bar)">${stripes.join('')}</g>`,
    rect(tBar, COLORS.ink),
    rect(stem, COLORS.ink),
    '</svg>',
    '',
  ].join('\n')
}

/**
 * The same shapes as geq expressions over a square frame of any size: 1 inside the mark's rounded
 * square, 1 where it is ink (bar not striped, T), in units of the 64-unit square (u, v).
 */
function markExpressions() {
  const { size, corner, bar, stripe, tBar, stem } = MARK
  const u = `((X+0.5)*${size}/W)`
  const v = `((Y+0.5)*${size}/H)`
  const inRect = ({ x, y, width, height }) => `between(${u},${x},${x + width})*between(${v},${y},${y + height})`
  const dx = `max(max(${corner}-${u},${u}-${size - corner}),0)`
  const dy = `max(max(${corner}-${v},${v}-${size - corner}),0)`
  const inside = `lte(${dx}*${dx}+${dy}*${dy},${corner * corner})`
  // Along the bar, shifted by how far up the pixel is, so stripes slant as the SVG's polygons do.
  const along = `(${u}-${bar.x}+${stripe.slant}-(${bar.y + bar.height}-${v})*${stripe.slant / bar.height}+${stripe.period * 4})`
  const striped = `lt(mod(${along},${stripe.period}),${stripe.width})`
  const ink = `gt(${inRect(bar)}*(1-${striped})+${inRect(tBar)}+${inRect(stem)},0)`
  return { inside, ink }
}

function channel(hex, index) {
  return parseInt(hex.slice(1 + index * 2, 3 + index * 2), 16)
}

function run(args) {
  const result = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${args.join(' ')}`)
}

const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact']
const SUPERSAMPLE = 8

/** The mark as a transparent PNG of `size` px, drawn SUPERSAMPLE× larger and scaled down. */
function renderMark(size, target) {
  const { inside, ink } = markExpressions()
  const big = size * SUPERSAMPLE
  const color = (index) => `if(${ink},${channel(COLORS.ink, index)},${channel(COLORS.accent, index)})`
  const filter = [
    `color=c=black:s=${big}x${big}:d=1,format=rgba`,
    `geq=r='${color(0)}':g='${color(1)}':b='${color(2)}':a='255*${inside}'`,
    `scale=${size}:${size}:flags=area`,
  ].join(',')
  run(['-f', 'lavfi', '-i', filter, '-frames:v', '1', '-pix_fmt', 'rgba', '-compression_level', '9', ...BITEXACT, target])
}

/** An ICO holding the PNGs as they are (every browser since 2007 reads PNG entries). */
function icoOf(pngs) {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(pngs.length, 4)
  let offset = 6 + 16 * pngs.length
  const entries = pngs.map(({ size, bytes }) => {
    const entry = Buffer.alloc(16)
    entry.writeUInt8(size >= 256 ? 0 : size, 0)
    entry.writeUInt8(size >= 256 ? 0 : size, 1)
    entry.writeUInt16LE(1, 4)
    entry.writeUInt16LE(32, 6)
    entry.writeUInt32LE(bytes.length, 8)
    entry.writeUInt32LE(offset, 12)
    offset += bytes.length
    return entry
  })
  return Buffer.concat([header, ...entries, ...pngs.map(({ bytes }) => bytes)])
}

/** Text for drawtext inside single quotes: its own quotes, colons, percent signs and backslashes escaped. */
function drawtextText(text) {
  return text.replace(/[\\':%]/g, (char) => `\\${char}`)
}

const OG = { width: 1200, height: 630, mark: 216 }

function renderOpenGraph(markPng, target) {
  const markX = 120
  const markY = (OG.height - OG.mark) / 2
  const textX = markX + OG.mark + 64
  const text = (value, size, color, y) =>
    `drawtext=fontfile='${boldFont}':text='${drawtextText(value)}':fontsize=${size}:fontcolor=${color}:x=${textX}:y=${y}`
  const filter = [
    `[1:v]format=rgba[mark]`,
    `[0:v][mark]overlay=${markX}:${markY}:format=auto`,
    `drawbox=x=0:y=${OG.height - 12}:w=${OG.width}:h=12:color=${COLORS.accent}:t=fill`,
    text('Takes', 132, COLORS.text, markY - 6),
    text('A studio for LTX-2 video on fal', 40, COLORS.muted, markY + 150),
    'format=rgb24',
  ].join(',')
  run([
    '-f', 'lavfi', '-i', `color=c=${COLORS.ink}:s=${OG.width}x${OG.height}:d=1`,
    '-i', markPng,
    '-filter_complex', filter,
    '-frames:v', '1', '-compression_level', '9', '-pred', 'mixed', ...BITEXACT, target,
  ])
}

mkdirSync(publicDir, { recursive: true })
const work = mkdtempSync(path.join(os.tmpdir(), 'takes-brand-'))
try {
  writeFileSync(path.join(publicDir, 'icon.svg'), markSvg())
  const png = (size) => {
    const file = path.join(work, `mark-${size}.png`)
    renderMark(size, file)
    return file
  }
  const favicon = [16, 32, 48].map((size) => ({ size, bytes: readFileSync(png(size)) }))
  writeFileSync(path.join(publicDir, 'favicon.ico'), icoOf(favicon))
  writeFileSync(path.join(publicDir, 'apple-touch-icon.png'), readFileSync(png(180)))
  renderOpenGraph(png(OG.mark), path.join(publicDir, 'og.png'))
  for (const name of ['icon.svg', 'favicon.ico', 'apple-touch-icon.png', 'og.png']) {
    console.log(`public/${name}: ${(statSync(path.join(publicDir, name)).size / 1024).toFixed(1)} KiB`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const SOURCE = /\.tsx?$/
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx']

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/** The modules a file imports for their values (`import type` and all-type imports are erased, so skipped). */
function valueImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const found = []
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (!clause.name && named !== undefined && named.length > 0 && named.every((element) => element.isTypeOnly)))
      if (!typeOnly) found.push(statement.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) && !statement.isTypeOnly) {
      found.push(statement.moduleSpecifier.text)
    }
  }
  return found
}

/** The project file `specifier` names from `file`, or undefined for a package. */
function resolve(root, file, specifier) {
  const base = specifier.startsWith('@/') ? path.join(root, specifier.slice(2)) : specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : undefined
  if (base === undefined) return undefined
  if (SOURCE.test(base) && existsSync(base)) return base
  return EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate))
}

/**
 * The modules under `dir` that may run only on the server: those that import `server-only`, and
 * those that import (for a value) any such module. Each as its import path without `@/` and
 * extension (`lib/db/queries`; an index module also as its folder, `lib/storage`).
 */
export function serverOnlyModules(root, dir = 'lib') {
  const files = sourceFiles(path.join(root, dir))
  const importers = new Map()
  const serverOnly = new Set()
  for (const file of files) {
    for (const specifier of valueImports(file)) {
      if (specifier === 'server-only') serverOnly.add(file)
      const target = resolve(root, file, specifier)
      if (target) importers.set(target, [...(importers.get(target) ?? []), file])
    }
  }
  const pending = [...serverOnly]
  while (pending.length > 0) {
    for (const importer of importers.get(pending.pop()) ?? []) {
      if (!serverOnly.has(importer)) {
        serverOnly.add(importer)
        pending.push(importer)
      }
    }
  }
  return [...serverOnly]
    .flatMap((file) => {
      const id = path.relative(root, file).split(path.sep).join('/').replace(SOURCE, '')
      return id.endsWith('/index') ? [id, id.slice(0, -'/index'.length)] : [id]
    })
    .sort()
}

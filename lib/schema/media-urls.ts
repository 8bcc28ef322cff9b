import { loraPathProblem } from '@/lib/loras/lora-path'
import { isLoraList, loraRowsOf } from '@/lib/loras/lora-list'
import type { FieldDescriptor } from './fields'
import type { Payload } from './validator'

/** Where media may come from: the web (http, https) or inline data. Not file:, javascript:, ftp:, … */
const ALLOWED_MEDIA_URL = /^(https?:\/\/|data:)/i

/** The media fields whose value is not an http(s) URL or a data URI, with why, for a 422 on each. */
export function mediaUrlProblems(fields: readonly FieldDescriptor[], input: Payload): { field: string; message: string }[] {
  return fields.flatMap((field) => {
    const value = input[field.name]
    if (field.kind !== 'media' || typeof value !== 'string' || value === '' || ALLOWED_MEDIA_URL.test(value)) return []
    return [{ field: field.name, message: `${field.label} must be an http(s) URL or a data: URI` }]
  }).concat(loraPathProblems(fields, input))
}

/** LoRA rows whose path fal would be pointed at but may not be (lib/loras/lora-path), named on their list field. */
function loraPathProblems(fields: readonly FieldDescriptor[], input: Payload): { field: string; message: string }[] {
  return fields.filter(isLoraList).flatMap((field) =>
    loraRowsOf(input[field.name]).flatMap(({ index, path }) => {
      const problem = loraPathProblem(path)
      return problem ? [{ field: field.name, message: `${field.label} ${index + 1}: path ${problem}` }] : []
    }),
  )
}

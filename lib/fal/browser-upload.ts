import { browserFalClient } from './browser-client'
import { MAX_UPLOAD_BYTES } from './upload-limits'

type Progress = (fraction: number) => void

/**
 * fetch, except that a PUT of a file goes through XMLHttpRequest so its upload progress can be
 * reported; fal's storage client PUTs the bytes straight to the upload URL it was given.
 */
function fetchWithUploadProgress(onProgress: Progress): typeof fetch {
  return (input, init) => {
    const body = init?.body
    if (init?.method?.toUpperCase() !== 'PUT' || !(body instanceof Blob)) return fetch(input, init)
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('PUT', typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
      new Headers(init.headers).forEach((value, key) => xhr.setRequestHeader(key, value))
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total)
      }
      xhr.onload = () =>
        resolve(
          new Response(xhr.responseText, {
            status: xhr.status,
            headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'text/plain' },
          }),
        )
      xhr.onerror = () => reject(new TypeError('The upload could not reach the server'))
      xhr.send(body)
    })
  }
}

/** Uploads a local file with `fal.storage.upload` through the proxy; resolves to its URL. */
export async function uploadFile(file: File, onProgress: Progress): Promise<string> {
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new Error(`This file is ${(file.size / 1024 ** 3).toFixed(1)} GB: the studio uploads files up to 1 GB.`)
  }
  const fal = browserFalClient(fetchWithUploadProgress(onProgress))
  const url = await fal.storage.upload(file)
  onProgress(1)
  return url
}

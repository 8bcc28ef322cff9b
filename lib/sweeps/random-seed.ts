/** A random seed: a non-negative 32-bit integer, which every LTX-2 endpoint accepts. (Its own module: the playground's first load needs only this.) */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!
}

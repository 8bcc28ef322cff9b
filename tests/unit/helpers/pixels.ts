/** Pixel measures over raw RGB frames (rgb24), for tests that compare renders. */

/** The mean absolute difference of two frames' bytes (0: identical, 255: opposite). */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

/** Mean distance of each pixel's channels from their grey: how colourful the picture is. */
export function colourfulness(rgb: Buffer): number {
  let sum = 0
  for (let i = 0; i < rgb.length; i += 3) {
    const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!]
    const grey = (r + g + b) / 3
    sum += Math.abs(r - grey) + Math.abs(g - grey) + Math.abs(b - grey)
  }
  return sum / (rgb.length / 3)
}

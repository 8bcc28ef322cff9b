import { decimal } from './render-look'
import type { CameraLora } from './render-parameters'

/**
 * A camera LoRA as a move over the whole clip, from its first frame to its last: the camera
 * travels in the LoRA's direction, so the scene slides the other way (dolly_right: the content
 * moves left; jib_up: it moves down), and dolly_in / dolly_out zoom in / out. As the move spans
 * the clip, more frames make it slower and a higher fps smoother.
 */
export interface CameraPlan {
  /** The size the picture is prepared at before the move (larger than the output for a pan). */
  canvas: { width: number; height: number }
  /** The per-frame filter that makes the move; its expressions are escaped for a filter graph. */
  filter: string
}

/** How far a full-weight move goes: a pan travels this fraction of the picture, a dolly zooms by 1 + this. */
const FULL_MOVE = 0.3
/** LoRA weights above this do not move further (the `loras` list allows up to 4). */
const MOST_WEIGHT = 2

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2)
}

/** Each comma escaped for the filter-graph parser (these expressions hold no other special character). */
function graphExpression(expression: string): string {
  return expression.replace(/,/g, '\\,')
}

export function cameraPlanOf(
  camera: CameraLora | undefined,
  output: { width: number; height: number; numFrames: number; frameRate: string },
): CameraPlan | undefined {
  if (!camera || camera.move === 'static') return undefined
  const travel = FULL_MOVE * Math.min(MOST_WEIGHT, Math.max(0, camera.scale))
  if (travel < 0.005) return undefined
  const { width, height, numFrames } = output
  const last = Math.max(1, numFrames - 1)

  if (camera.move === 'dolly_in' || camera.move === 'dolly_out') {
    const progress = `min(1,on/${last})`
    const zoom = camera.move === 'dolly_in' ? `1+${decimal(travel)}*${progress}` : `1+${decimal(travel)}*(1-${progress})`
    return {
      canvas: { width, height },
      filter:
        `zoompan=z=${graphExpression(zoom)}:x=${graphExpression('iw/2-iw/zoom/2')}:y=${graphExpression('ih/2-ih/zoom/2')}` +
        `:d=1:s=${width}x${height}:fps=${output.frameRate}`,
    }
  }

  const progress = `min(1,n/${last})`
  const ahead = (room: string) => `${room}*${progress}`
  const back = (room: string) => `${room}*(1-${progress})`
  const horizontal = camera.move === 'dolly_left' || camera.move === 'dolly_right'
  const along = camera.move === 'dolly_right' || camera.move === 'jib_down' ? ahead : back
  const x = horizontal ? along('(iw-ow)') : '(iw-ow)/2'
  const y = horizontal ? '(ih-oh)/2' : along('(ih-oh)')
  return {
    canvas: { width: even(width * (1 + travel)), height: even(height * (1 + travel)) },
    filter: `crop=w=${width}:h=${height}:x=${graphExpression(x)}:y=${graphExpression(y)}`,
  }
}

import type { FrameObservation } from './frame-analyzer.js';

/** A small grayscale picture, one byte per pixel, row-major. */
interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** How readily the change detector reports: a preset or a number from 0 (least) to 1 (most). */
export type Sensitivity = 'low' | 'medium' | 'high' | number;

/** Thresholds derived from a sensitivity. */
interface Thresholds {
  /** Brightness difference (0..255) above which one cell counts as changed. */
  readonly cellDelta: number;
  /** Share of cells that must change between two looks for motion to start. */
  readonly motionOn: number;
  /** Share below which a look counts as calm. */
  readonly motionOff: number;
  /** Relative brightness change (vs the last reported frame) that counts as lights on or off. */
  readonly lightRatio: number;
  /** Least absolute brightness change (0..255) for lights on or off. */
  readonly lightDelta: number;
  /** Share of cells that must differ from the last reported frame for a scene change. */
  readonly sceneShare: number;
}

const presets = { low: 0.25, medium: 0.5, high: 0.75 } as const;

const lerp = (from: number, to: number, t: number): number => from + (to - from) * t;
/** Geometric interpolation, for shares that span orders of magnitude. */
const gerp = (from: number, to: number, t: number): number => from * (to / from) ** t;

/** Resolves a {@link Sensitivity} to a number in [0, 1], with a clear error for bad values. */
export function sensitivityLevel(sensitivity: Sensitivity): number {
  if (typeof sensitivity === 'string') {
    const level = presets[sensitivity];
    if (level === undefined) {
      throw new RangeError(
        `sensitivity must be 'low', 'medium', 'high' or a number from 0 to 1, got '${sensitivity}'.`,
      );
    }
    return level;
  }
  if (!Number.isFinite(sensitivity) || sensitivity < 0 || sensitivity > 1) {
    throw new RangeError(`sensitivity must be a number from 0 to 1, got ${sensitivity}.`);
  }
  return sensitivity;
}

function thresholdsFor(level: number): Thresholds {
  return {
    cellDelta: lerp(26, 8, level),
    motionOn: gerp(0.05, 0.001, level),
    motionOff: gerp(0.05, 0.001, level) / 3,
    lightRatio: lerp(0.55, 0.2, level),
    lightDelta: lerp(40, 15, level),
    sceneShare: lerp(0.75, 0.45, level),
  };
}

/** Looks that must stay calm in a row before motion counts as stopped. */
const calmLooksToStop = 2;
/** Standard deviation (0..255) under which a picture counts as uniform (covered lens, darkness). */
const uniformStdDev = 4;
/** Largest analysis grid side; bigger thumbnails are box-averaged down to it. */
const maxGridWidth = 160;
const maxGridHeight = 120;

interface Frame {
  readonly width: number;
  readonly height: number;
  /** One byte per cell: small enough that a session keeps two looks in a few kilobytes. */
  readonly cells: Uint8Array;
  readonly mean: number;
  readonly stdDev: number;
}

/** Sums of the box-averaging, reused across looks: one allocation per tracker, not per look. */
let sums = new Float64Array(0);
let counts = new Uint16Array(0);

function toFrame(image: GrayImage): Frame {
  const factor = Math.max(1, Math.ceil(image.width / maxGridWidth), Math.ceil(image.height / maxGridHeight));
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  let cells: Uint8Array;
  if (factor === 1) {
    cells = image.pixels.length === width * height ? image.pixels : image.pixels.slice(0, width * height);
  } else {
    const n = width * height;
    if (sums.length < n) {
      sums = new Float64Array(n);
      counts = new Uint16Array(n);
    }
    sums.fill(0, 0, n);
    counts.fill(0, 0, n);
    for (let y = 0; y < image.height; y++) {
      const row = Math.floor(y / factor) * width;
      for (let x = 0; x < image.width; x++) {
        const cell = row + Math.floor(x / factor);
        sums[cell] = (sums[cell] ?? 0) + (image.pixels[y * image.width + x] ?? 0);
        counts[cell] = (counts[cell] ?? 0) + 1;
      }
    }
    cells = new Uint8Array(n);
    for (let i = 0; i < n; i++) cells[i] = Math.round((sums[i] ?? 0) / (counts[i] || 1));
  }
  let sum = 0;
  for (let i = 0; i < cells.length; i++) sum += cells[i] ?? 0;
  const mean = sum / cells.length;
  let squares = 0;
  for (let i = 0; i < cells.length; i++) {
    const d = (cells[i] ?? 0) - mean;
    squares += d * d;
  }
  return { width, height, cells, mean, stdDev: Math.sqrt(squares / cells.length) };
}

interface Difference {
  /** Share of cells whose brightness moved by more than the cell threshold. */
  readonly share: number;
  /** Pearson correlation of the two pictures' cells: near 1 when only the lighting changed. */
  readonly correlation: number;
  /** The changed cells' bounding box, as fractions of the picture, or undefined when none changed. */
  readonly region:
    | { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number }
    | undefined;
}

function compare(previous: Frame, current: Frame, cellDelta: number): Difference {
  const { width, height } = current;
  let changed = 0;
  let covariance = 0;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = previous.cells[i] ?? 0;
      const b = current.cells[i] ?? 0;
      covariance += (a - previous.mean) * (b - current.mean);
      if (Math.abs(a - b) > cellDelta) {
        changed++;
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  const n = width * height;
  const spread = previous.stdDev * current.stdDev;
  return {
    share: changed / n,
    correlation: spread === 0 ? 0 : covariance / n / spread,
    region:
      changed === 0
        ? undefined
        : {
            left: left / width,
            top: top / height,
            right: (right + 1) / width,
            bottom: (bottom + 1) / height,
          },
  };
}

function describeRegion(region: Difference['region']): string {
  if (region === undefined) return 'the picture';
  const cx = (region.left + region.right) / 2;
  const cy = (region.top + region.bottom) / 2;
  const spanX = region.right - region.left;
  const spanY = region.bottom - region.top;
  if (spanX > 0.7 && spanY > 0.7) return 'across the picture';
  const horizontal = spanX > 0.7 ? '' : cx < 0.36 ? 'left' : cx > 0.64 ? 'right' : 'centre';
  const vertical = spanY > 0.7 ? '' : cy < 0.36 ? 'top' : cy > 0.64 ? 'bottom' : 'middle';
  if (horizontal === 'centre' && vertical === 'middle') return 'in the centre of the picture';
  const place = [
    vertical === 'middle' ? '' : vertical,
    horizontal === 'centre' && vertical !== '' && vertical !== 'middle' ? '' : horizontal,
  ]
    .filter((part) => part !== '')
    .join(' ');
  return place === '' ? 'in the centre of the picture' : `on the ${place} of the picture`;
}

function brightnessWord(mean: number): string {
  if (mean < 40) return 'dark';
  if (mean < 100) return 'dim';
  return 'well lit';
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
const percent = (share: number): string => `${Math.round(share * 100)}%`;

/**
 * Follows one camera stream look by look and says what changed: motion starting and stopping,
 * lights going on or off, and scene changes (a cut, a camera turned elsewhere, a covered lens).
 *
 * Motion compares each look with the previous one; lights and scene changes compare with the last
 * reported picture, so slow changes (dusk, a camera slowly turned) are reported once they add up.
 *
 * @internal
 */
export class SceneTracker {
  readonly #thresholds: Thresholds;
  #previous: Frame | undefined;
  #reference: Frame | undefined;
  #moving = false;
  #calmLooks = 0;

  constructor(sensitivity: Sensitivity = 'medium') {
    this.#thresholds = thresholdsFor(sensitivityLevel(sensitivity));
  }

  /** Takes the next look; returns what changed, or undefined when nothing worth saying did. */
  observe(image: GrayImage): FrameObservation | undefined {
    const frame = toFrame(image);
    const previous = this.#previous;
    const reference = this.#reference;
    this.#previous = frame;
    if (previous === undefined || reference === undefined) {
      this.#reference = frame;
      return {
        event: 'watching',
        description: `Watching the camera; the picture is ${brightnessWord(frame.mean)}.`,
        changeScore: 0,
        notable: false,
        details: { brightness: round3(frame.mean / 255) },
      };
    }
    if (frame.width !== reference.width || frame.height !== reference.height) {
      return this.#report(frame, {
        event: 'scene_change',
        description: 'The picture size changed; a different camera or screen may be shared.',
        changeScore: 1,
      });
    }
    const t = this.#thresholds;
    const sinceReport = compare(reference, frame, t.cellDelta);
    const lights = this.#lights(reference, frame, sinceReport);
    if (lights) return this.#report(frame, lights);
    if (!this.#moving && sinceReport.share >= t.sceneShare && sinceReport.correlation < 0.6) {
      return this.#report(frame, {
        event: 'scene_change',
        description:
          frame.stdDev < uniformStdDev
            ? 'The picture became uniform; the camera may be covered.'
            : `The scene changed (${percent(sinceReport.share)} of the picture is different).`,
        changeScore: round3(sinceReport.share),
      });
    }
    const sincePrevious = compare(previous, frame, t.cellDelta);
    if (!this.#moving) {
      if (sincePrevious.share < t.motionOn) return undefined;
      if (sincePrevious.share >= t.sceneShare && sincePrevious.correlation < 0.6) {
        return this.#report(frame, {
          event: 'scene_change',
          description: `The scene changed (${percent(sincePrevious.share)} of the picture is different).`,
          changeScore: round3(sincePrevious.share),
        });
      }
      this.#moving = true;
      this.#calmLooks = 0;
      return {
        event: 'motion_started',
        description: `Motion started ${describeRegion(sincePrevious.region)} (${percent(sincePrevious.share)} of it changed).`,
        changeScore: round3(sincePrevious.share),
        details: { region: sincePrevious.region },
      };
    }
    if (sincePrevious.share >= t.motionOff) {
      this.#calmLooks = 0;
      return undefined;
    }
    this.#calmLooks++;
    if (this.#calmLooks < calmLooksToStop) return undefined;
    this.#moving = false;
    const left =
      sinceReport.share === 0
        ? 'the scene looks as before'
        : `${percent(sinceReport.share)} of the picture differs from before (${describeRegion(sinceReport.region).replace(/^(in|on|across) /, '')})`;
    return this.#report(frame, {
      event: 'motion_stopped',
      description: `Motion stopped; ${left}.`,
      changeScore: round3(sinceReport.share),
      details: { region: sinceReport.region },
    });
  }

  #lights(reference: Frame, frame: Frame, difference: Difference): FrameObservation | undefined {
    const t = this.#thresholds;
    const delta = frame.mean - reference.mean;
    const ratio = Math.abs(delta) / Math.max(reference.mean, frame.mean, 1);
    if (Math.abs(delta) < t.lightDelta || ratio < t.lightRatio) return undefined;
    // Lighting changes keep the picture's structure; a darkened picture may lose it entirely.
    const structureKept = difference.correlation > 0.6 || (delta < 0 && frame.stdDev < uniformStdDev);
    if (!structureKept) return undefined;
    const on = delta > 0;
    return {
      event: on ? 'lights_on' : 'lights_off',
      description: on
        ? `The picture got much brighter (lights on?); it is now ${brightnessWord(frame.mean)}.`
        : `The picture got much darker (lights off?); it is now ${brightnessWord(frame.mean)}.`,
      changeScore: round3(Math.min(1, ratio)),
      details: { brightness: round3(frame.mean / 255), previousBrightness: round3(reference.mean / 255) },
    };
  }

  #report(frame: Frame, observation: FrameObservation): FrameObservation {
    this.#reference = frame;
    this.#moving = false;
    this.#calmLooks = 0;
    return observation;
  }
}

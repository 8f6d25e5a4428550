import type { DecodeReply, DecodeRequest } from './messages';

/** Why there is no picture: refused, no camera, failed to start, or lost mid-scan (unplugged, track ended). */
export type CameraProblem = 'denied' | 'absent' | 'failed' | 'lost';

export interface ScannerEvents {
  /** Text of a QR code seen in the picture (not yet checked to be a provisioning code). */
  onText(text: string): void;
  onProblem(problem: CameraProblem, message: string): void;
  onCameras?(cameras: readonly MediaDeviceInfo[]): void;
  onStarted?(): void;
  /** A camera was plugged in or out (the screen may try again after a loss). */
  onDevicesChanged?(): void;
}

/** At most one frame in the worker at a time, and no more often than this: the UI stays smooth. */
const MIN_FRAME_INTERVAL_MS = 100;

/**
 * Camera → frames → decoder worker. The worker (and with it the wasm decoder) is created only when
 * scanning starts; frames are transferred, not copied; decoding pauses while the screen is hidden;
 * `stop()` releases the camera.
 */
export class QrScanner {
  readonly #video: HTMLVideoElement;
  readonly #events: ScannerEvents;
  #stream: MediaStream | undefined;
  #worker: Worker | undefined;
  #busy = false;
  #lastFrame = 0;
  #nextId = 0;
  #running = false;
  #timer: number | undefined;

  constructor(video: HTMLVideoElement, events: ScannerEvents) {
    this.#video = video;
    this.#events = events;
  }

  async start(deviceId?: string): Promise<void> {
    this.stop();
    this.#running = true;
    // Listened to even when no camera opens: plugging one in is how "no camera" gets fixed.
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
    try {
      this.#stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: deviceId === undefined ? { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } } : { deviceId: { exact: deviceId } },
      });
    } catch (err) {
      this.#running = false;
      this.#events.onProblem(classify(err), err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.#stopped()) {
      // stop() was called while the camera was opening: release it at once.
      this.#release();
      return;
    }
    // A camera unplugged (or its track ended by the system) mid-scan is noticed, not a frozen picture.
    for (const track of this.#stream.getVideoTracks()) track.addEventListener('ended', this.#onEnded);
    this.#video.srcObject = this.#stream;
    this.#video.muted = true;
    this.#video.playsInline = true;
    await this.#video.play().catch(() => undefined);
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    this.#events.onCameras?.(cameras);
    this.#worker ??= this.#createWorker();
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#events.onStarted?.();
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#release();
  }

  /** Ends the worker too (leaving the scan screen). */
  dispose(): void {
    this.stop();
    navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  #stopped(): boolean {
    return !this.#running;
  }

  #release(): void {
    for (const track of this.#stream?.getTracks() ?? []) {
      track.removeEventListener('ended', this.#onEnded);
      track.stop();
    }
    this.#stream = undefined;
    this.#video.srcObject = null;
  }

  #createWorker(): Worker {
    const worker = new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module', name: 'qr-decoder' });
    worker.onmessage = (event: MessageEvent<DecodeReply>) => {
      this.#busy = false;
      const reply = event.data;
      if (reply.kind === 'result' && reply.text !== undefined && this.#running) this.#events.onText(reply.text);
      if (reply.kind === 'error') this.#events.onProblem('failed', `QR decoder: ${reply.message}`);
    };
    return worker;
  }

  #onEnded = (): void => {
    this.stop();
    this.#events.onProblem('lost', 'the camera track ended');
  };

  #onDeviceChange = (): void => {
    const track = this.#stream?.getVideoTracks()[0];
    if (track?.readyState === 'ended') this.#onEnded();
    this.#events.onDevicesChanged?.();
  };

  #onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.#schedule();
  };

  #schedule(): void {
    if (!this.#running || document.visibilityState === 'hidden') return;
    this.#timer = window.setTimeout(() => {
      this.#grab();
      this.#schedule();
    }, MIN_FRAME_INTERVAL_MS / 2);
  }

  #grab(): void {
    const video = this.#video;
    const worker = this.#worker;
    const now = performance.now();
    // No worker, no frame: a VideoFrame holds a camera buffer until closed, and only the worker closes it.
    if (worker === undefined || this.#busy || now - this.#lastFrame < MIN_FRAME_INTERVAL_MS || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
    let frame: VideoFrame;
    try {
      // The picture as the camera gave it: no canvas and no pixel copy here; the worker reads it.
      frame = new VideoFrame(video);
    } catch {
      return; // no picture in this instant (the stream is switching): the next tick tries again
    }
    const request: DecodeRequest = { id: (this.#nextId += 1), frame };
    this.#busy = true;
    this.#lastFrame = now;
    worker.postMessage(request, [frame]);
  }
}

function classify(err: unknown): CameraProblem {
  const name = err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'TypeError') return 'absent';
  return 'failed';
}

/** Messages between the scanner (main thread) and the decoder worker. */
export interface DecodeRequest {
  readonly id: number;
  /** The camera's picture as it is (no canvas, no pixel copy on the main thread); transferred, and closed by the worker. */
  readonly frame: VideoFrame;
}

export type DecodeReply =
  | { readonly id: number; readonly kind: 'result'; readonly text?: string; readonly ms: number }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

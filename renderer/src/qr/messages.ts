/** Messages between the scanner (main thread) and the decoder worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  /** RGBA pixels; transferred, not copied. */
  readonly buffer: ArrayBuffer;
}

export type DecodeReply =
  | { readonly id: number; readonly kind: 'result'; readonly text?: string; readonly ms: number }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

// 审批意见 as the task page holds it and as the completion sends it (the panel itself loads lazily).
import type { AttachmentRef } from '../components/AttachmentsWidget';

export interface OpinionValue {
  text: string;
  photos: AttachmentRef[];
  signature?: AttachmentRef;
}

export const emptyOpinion: OpinionValue = { text: '', photos: [] };

/** The opinion as the completion sends it (nothing when nothing was given). */
export function opinionBody(value: OpinionValue) {
  if (!value.text.trim() && value.photos.length === 0 && !value.signature) return undefined;
  return {
    text: value.text.trim(),
    photos: value.photos.map((p) => ({ sha256: p.sha256, name: p.name })),
    ...(value.signature ? { signature: { sha256: value.signature.sha256, name: value.signature.name } } : {}),
  };
}

// One file as `multipart/form-data` (field `file`) for the attachment endpoints, and the reference a form's
// attachment field keeps (processes/CONVENTIONS.md, "Attachments").
import type { AttachmentRef } from '../components/AttachmentsWidget';

export function fileBody(file: File) {
  return {
    body: { file: file as unknown as string },
    bodySerializer: () => {
      const body = new FormData();
      body.append('file', file, file.name);
      return body;
    },
  };
}

export function attachmentRef(added: { sha256: string; file_name: string; size: number; media_type: string }): AttachmentRef {
  return { sha256: added.sha256, name: added.file_name, size: added.size, media_type: added.media_type };
}

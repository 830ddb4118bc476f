// A form field holding files (processes/CONVENTIONS.md, "Attachments": `"x-yishi-widget": "attachments"`): choose
// files or take a photo with the phone's camera, each uploaded at once to the case; the field keeps the references
// `{sha256, name, size, media_type}` the server answered, and lists each file with its name and size.
import { useEffect, useRef, useState } from 'react';
import type { WidgetProps } from '@rjsf/utils';
import { Button, Space } from 'antd';
import { CameraOutlined, DeleteOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export interface AttachmentRef {
  sha256: string;
  name: string;
  size?: number;
  media_type?: string;
}

/** How a form uploads one file (the task page posts it to the task): passed to rjsf as `formContext.upload`. */
export type Upload = (file: File) => Promise<AttachmentRef>;

export function humanSize(bytes: number | undefined, language: string): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toLocaleString(language, { maximumFractionDigits: unit ? 1 : 0 })} ${units[unit]}`;
}

export default function AttachmentsWidget({ id, value, onChange, disabled, readonly, schema, registry }: WidgetProps) {
  const { t, i18n } = useTranslation();
  const single = schema.type === 'object';
  // rjsf fills a list with `minItems` with empty items: only references to uploaded files count
  const files = ((single ? [value] : value) as (AttachmentRef | undefined)[] | undefined ?? []).filter((file): file is AttachmentRef => !!file?.sha256);
  const upload = (registry.formContext as { upload?: Upload } | undefined)?.upload;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chooser = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const off = disabled || readonly || !upload || busy;

  const save = (next: AttachmentRef[]) => onChange(single ? next[next.length - 1] : next.length ? next : undefined);
  const placeholders = Array.isArray(value) && value.length !== files.length;
  useEffect(() => {
    if (placeholders) save(files); // drop the empty items rjsf adds for `minItems`: the server says what is missing
  }, [placeholders]);

  const picked = async (list: FileList | null) => {
    if (!list || !upload) return;
    setBusy(true);
    setError(null);
    const added: AttachmentRef[] = [];
    try {
      for (const file of Array.from(list)) added.push(await upload(file));
    } catch (failure) {
      setError(failure instanceof Error && failure.message ? failure.message : t('attachments.failed'));
    } finally {
      setBusy(false);
      if (added.length) save([...files, ...added]);
      if (chooser.current) chooser.current.value = '';
      if (camera.current) camera.current.value = '';
    }
  };

  return (
    <div className="attachments" id={id}>
      {files.length > 0 && (
        <ul className="attachment-list" aria-label={t('attachments.list')}>
          {files.map((file, index) => (
            <li key={`${file.sha256}-${index}`}>
              <PaperClipOutlined aria-hidden /> <span className="attachment-name">{file.name}</span>{' '}
              <span className="attachment-size">{humanSize(file.size, i18n.language)}</span>
              {!disabled && !readonly && (
                <Button type="text" danger icon={<DeleteOutlined aria-hidden />} onClick={() => save(files.filter((_, i) => i !== index))}>
                  {t('attachments.remove')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <Space wrap>
        <Button size="large" icon={<PaperClipOutlined aria-hidden />} disabled={off} loading={busy} onClick={() => chooser.current?.click()}>
          {t('attachments.choose')}
        </Button>
        <Button size="large" icon={<CameraOutlined aria-hidden />} disabled={off} onClick={() => camera.current?.click()}>
          {t('attachments.photo')}
        </Button>
      </Space>
      <input ref={chooser} type="file" multiple={!single} hidden data-testid={`${id}-files`} aria-label={t('attachments.choose')}
        onChange={(event) => void picked(event.target.files)} />
      <input ref={camera} type="file" accept="image/*" capture="environment" hidden aria-label={t('attachments.photo')}
        onChange={(event) => void picked(event.target.files)} />
      {busy && <div role="status">{t('attachments.uploading')}</div>}
      {error && <div role="alert" className="attachment-error">{error}</div>}
    </div>
  );
}

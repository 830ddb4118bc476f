// 审批意见: the opinion every decision carries — a text (tap one of the unit's stock phrases, 常用语), optional photos
// and, where the step takes one, a handwritten signature drawn on the phone. Photos and the signature are uploaded
// to the case as they are added; the completion names them by their SHA-256.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Button, Skeleton, Space, Tag } from 'antd';
import { CameraOutlined, DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { AttachmentRef, Upload } from './AttachmentsWidget';

const SignaturePad = lazy(() => import('./SignaturePad'));

import type { OpinionValue } from '../lib/opinion';
import '../i18n/signing';

interface Props {
  unit: string;
  signature?: 'required' | 'optional' | null;
  upload: Upload;
  value: OpinionValue;
  onChange: (value: OpinionValue) => void;
  disabled?: boolean;
  error?: string;
}

export default function OpinionPanel({ unit, signature, upload, value, onChange, disabled, error }: Props) {
  const { t } = useTranslation();
  const phrases = useQuery({
    queryKey: ['phrases', unit],
    queryFn: () => ok(api.GET('/api/units/{unit}/phrases', { params: { path: { unit } } })),
    staleTime: 300_000,
  });
  const camera = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  const addPhotos = async (list: FileList | null) => {
    if (!list) return;
    setBusy(true);
    const added: AttachmentRef[] = [];
    try {
      for (const file of Array.from(list)) added.push(await upload(file));
    } finally {
      setBusy(false);
      if (added.length) onChange({ ...value, photos: [...value.photos, ...added] });
      if (camera.current) camera.current.value = '';
    }
  };

  const signed = async (png: Blob) => {
    const ref = await upload(new File([png], 'signature.png', { type: 'image/png' }));
    setPreview(URL.createObjectURL(png));
    onChange({ ...value, signature: ref });
  };

  const pick = (phrase: string) => onChange({ ...value, text: value.text ? `${value.text}${phrase}` : phrase });

  return (
    <div className="opinion-panel">
      {(phrases.data?.phrases ?? []).length > 0 && (
        <div className="phrases" role="group" aria-label={t('sign.phrases')}>
          {phrases.data!.phrases.map((phrase) => (
            <Button key={phrase} size="middle" className="phrase" disabled={disabled} onClick={() => pick(phrase)}>{phrase}</Button>
          ))}
        </div>
      )}
      <label className="opinion-label" htmlFor="opinion-text">{t('sign.opinionLabel')}</label>
      <textarea id="opinion-text" className="ant-input opinion-text" rows={3} maxLength={2000} value={value.text} disabled={disabled}
        placeholder={t('sign.opinionPlaceholder')} onChange={(event) => onChange({ ...value, text: event.target.value })} />

      <div className="opinion-photos">
        <span className="opinion-label">{t('sign.photos')}</span>
        {value.photos.length > 0 && (
          <ul className="attachment-list">
            {value.photos.map((photo, index) => (
              <li key={`${photo.sha256}-${index}`}>
                {photo.name}
                <Button type="text" danger icon={<DeleteOutlined aria-hidden />} disabled={disabled}
                  onClick={() => onChange({ ...value, photos: value.photos.filter((_, i) => i !== index) })}>{t('attachments.remove')}</Button>
              </li>
            ))}
          </ul>
        )}
        <Button size="large" icon={<CameraOutlined aria-hidden />} loading={busy} disabled={disabled} onClick={() => camera.current?.click()}>
          {t('sign.addPhoto')}
        </Button>
        <input ref={camera} type="file" accept="image/*" multiple hidden aria-label={t('sign.addPhoto')}
          onChange={(event) => void addPhotos(event.target.files)} />
      </div>

      {signature && (
        <div className="opinion-signature">
          <span className="opinion-label">
            {t('sign.signature')} {signature === 'required' && <Tag color="red">{t('sign.signatureRequired')}</Tag>}
          </span>
          {value.signature ? (
            <Space direction="vertical">
              {preview && <img className="signature-preview" src={preview} alt={t('sign.confirmed')} />}
              <Tag color="green">{t('sign.confirmed')}</Tag>
              <Button icon={<EditOutlined aria-hidden />} disabled={disabled}
                onClick={() => { onChange({ ...value, signature: undefined }); setPreview(null); }}>{t('sign.redo')}</Button>
            </Space>
          ) : (
            <Suspense fallback={<Skeleton active />}>
              <SignaturePad onSign={signed} disabled={disabled} />
            </Suspense>
          )}
        </div>
      )}
      {error && <div role="alert" className="attachment-error">{error}</div>}
    </div>
  );
}

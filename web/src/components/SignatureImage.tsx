// A handwritten signature kept in the case file: the image fetched with the reader's token (an <img> cannot send
// it), shown with its SHA-256 so the paper dossier names the file it prints.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import '../i18n/signing';

export function SignatureImage({ caseRef, sha256, user }: { caseRef: string; sha256: string; user: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    let made: string | null = null;
    void api.GET('/api/cases/{case}/attachments/{sha256}', { params: { path: { case: caseRef, sha256 } }, parseAs: 'blob' })
      .then(({ data }) => {
        if (gone || !(data instanceof Blob)) return;
        made = URL.createObjectURL(data);
        setUrl(made);
      });
    return () => { gone = true; if (made) URL.revokeObjectURL(made); };
  }, [caseRef, sha256]);
  return (
    <figure className="signature-figure">
      {url ? <img src={url} alt={t('sign.signatureOf', { user })} className="signature-image" /> : <div className="signature-image" />}
      <figcaption className="muted">{t('sign.signatureOf', { user })} · {t('sign.signatureHash', { hash: sha256.slice(0, 16) })}</figcaption>
    </figure>
  );
}

// A handwritten signature drawn on the phone (signature_pad, pinned in package.json): a canvas sized to its box and
// the screen's pixel ratio, "clear" and "confirm". Confirming turns the drawing into a PNG and hands it to `onSign`
// (the task page uploads it to the case, and the completion names it by its SHA-256). Loaded only with a step
// that takes a signature.
import { useEffect, useRef, useState } from 'react';
import SignaturePadLib from 'signature_pad';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import '../i18n/signing';

export interface SignaturePadProps {
  onSign: (png: Blob) => Promise<void>;
  disabled?: boolean;
}

export default function SignaturePad({ onSign, disabled }: SignaturePadProps) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePadLib | null>(null);
  const [empty, setEmpty] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return undefined;
    const instance = new SignaturePadLib(element, { penColor: '#111', minWidth: 1.2, maxWidth: 3, backgroundColor: 'rgb(255,255,255)' });
    pad.current = instance;
    const fit = () => { // crisp lines: the bitmap follows the box and the device's pixel ratio
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const data = instance.toData();
      element.width = element.offsetWidth * ratio;
      element.height = element.offsetHeight * ratio;
      element.getContext('2d')?.scale(ratio, ratio);
      instance.clear();
      instance.fromData(data);
    };
    fit();
    const ended = () => setEmpty(instance.isEmpty());
    instance.addEventListener('endStroke', ended);
    window.addEventListener('resize', fit);
    return () => {
      instance.removeEventListener('endStroke', ended);
      window.removeEventListener('resize', fit);
      instance.off();
    };
  }, []);

  useEffect(() => {
    if (!pad.current) return;
    if (disabled) pad.current.off(); else pad.current.on();
  }, [disabled]);

  const clear = () => {
    pad.current?.clear();
    setEmpty(true);
    setError(null);
  };

  const confirm = async () => {
    const instance = pad.current;
    if (!instance || instance.isEmpty()) {
      setError(t('sign.empty'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const blob = await (await fetch(instance.toDataURL('image/png'))).blob();
      await onSign(blob);
    } catch (failure) {
      setError(failure instanceof Error && failure.message ? failure.message : t('sign.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signature-pad">
      <p className="muted">{t('sign.signHere')}</p>
      <canvas ref={canvas} className="signature-canvas" role="img" aria-label={t('sign.padLabel')} data-testid="signature-canvas" />
      <Space wrap className="signature-actions">
        <Button size="large" onClick={clear} disabled={disabled || busy}>{t('sign.clear')}</Button>
        <Button size="large" type="primary" ghost onClick={() => void confirm()} loading={busy} disabled={disabled || empty}>
          {t('sign.confirm')}
        </Button>
      </Space>
      {busy && <div role="status">{t('sign.uploading')}</div>}
      {error && <div role="alert" className="attachment-error">{error}</div>}
    </div>
  );
}

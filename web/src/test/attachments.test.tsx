import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import SchemaForm from '../components/SchemaForm';
import { humanSize } from '../components/AttachmentsWidget';

// the shape of processes/CONVENTIONS.md ("Attachments"), as the server serves it
const SCHEMA = {
  type: 'object',
  properties: {
    posting_evidence: {
      title: '张贴照片或截图', type: 'array', 'x-yishi-widget': 'attachments', minItems: 1, maxItems: 20,
      items: {
        type: 'object', title: '附件', required: ['sha256', 'name'], additionalProperties: false,
        properties: { sha256: { type: 'string' }, name: { type: 'string' }, size: { type: 'integer' }, media_type: { type: 'string' } },
      },
    },
  },
};

describe('the attachment field', () => {
  afterEach(cleanup);

  it('uploads each chosen file and keeps the references the server answered, showing name and size', async () => {
    await i18n.changeLanguage('zh-CN');
    const upload = vi.fn(async (file: File) => ({ sha256: 'a'.repeat(64), name: file.name, size: 2048, media_type: 'image/png' }));
    const onChange = vi.fn();
    const { container, rerender } = render(<SchemaForm schema={SCHEMA} formData={{}} onChange={onChange} upload={upload} />);
    expect(screen.getByRole('button', { name: /选择文件/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /拍照/ })).toBeTruthy();
    const camera = container.querySelector('input[capture="environment"]') as HTMLInputElement;
    expect(camera.accept).toBe('image/*');
    const chooser = container.querySelector('input[type="file"][multiple]') as HTMLInputElement;
    fireEvent.change(chooser, { target: { files: [new File(['x'], '公告栏.png', { type: 'image/png' })] } });
    await waitFor(() => expect(upload).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(onChange.mock.calls.at(-1)![0].posting_evidence?.length).toBe(1));
    const data = onChange.mock.calls.at(-1)![0];
    expect(data.posting_evidence).toEqual([{ sha256: 'a'.repeat(64), name: '公告栏.png', size: 2048, media_type: 'image/png' }]);
    rerender(<SchemaForm schema={SCHEMA} formData={data} onChange={onChange} upload={upload} />);
    expect(container.querySelector('.attachment-name')?.textContent).toBe('公告栏.png');
    expect(container.querySelector('.attachment-size')?.textContent).toBe('2 KB');
  });

  it('shows the server\'s refusal (too large, wrong type) and keeps what was there', async () => {
    const upload = vi.fn(async () => { throw new Error('文件过大：每个附件最多 20 MB'); });
    const onChange = vi.fn();
    const { container } = render(<SchemaForm schema={SCHEMA} formData={{}} onChange={onChange} upload={upload} />);
    const chooser = container.querySelector('input[type="file"][multiple]') as HTMLInputElement;
    fireEvent.change(chooser, { target: { files: [new File(['x'], 'big.jpg')] } });
    expect((await screen.findByRole('alert')).textContent).toContain('文件过大');
    expect(onChange.mock.calls.some(([data]) => (data.posting_evidence ?? []).some((f: { sha256?: string }) => f?.sha256))).toBe(false);
  });

  it('writes sizes for people', () => {
    expect(humanSize(512, 'zh-CN')).toBe('512 B');
    expect(humanSize(1_572_864, 'en')).toBe('1.5 MB');
  });
});

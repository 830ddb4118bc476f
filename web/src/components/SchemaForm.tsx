// A task or start form rendered from its JSON Schema with the antd theme. The server validates (its field
// errors arrive as `extraErrors` and show on their fields); the client validator only resolves conditions
// (lib/validator.ts).
import { useMemo } from 'react';
import { withTheme } from '@rjsf/core';
import { generateTemplates } from '@rjsf/antd/lib/templates/index.js';
import CheckboxWidget from '@rjsf/antd/lib/widgets/CheckboxWidget/index.js';
import CheckboxesWidget from '@rjsf/antd/lib/widgets/CheckboxesWidget/index.js';
import RadioWidget from '@rjsf/antd/lib/widgets/RadioWidget/index.js';
import TextareaWidget from '@rjsf/antd/lib/widgets/TextareaWidget/index.js';
import PasswordWidget from '@rjsf/antd/lib/widgets/PasswordWidget/index.js';
import { enumOptionsIndexForValue, enumOptionsValueForIndex, type ErrorSchema, type IconButtonProps, type RegistryWidgetsType, type UiSchema, type WidgetProps } from '@rjsf/utils';
import { Button, Input } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { conditionValidator } from '../lib/validator';
import { buildUiSchema, localizeSchema } from '../lib/forms';
import { beijing, ZONE } from '../lib/time';
import AttachmentsWidget, { type Upload } from './AttachmentsWidget';

/** Dates use the device's own picker (`<input type="date">`, large and familiar on phones, no picker library
 * on the task pages); a date-time is read and written in Beijing time and sent as ISO-8601 with +08:00. */
function NativeDateWidget({ id, value, onChange, disabled, readonly, onBlur, onFocus, required, withTime }: WidgetProps & { withTime?: boolean }) {
  const shown = withTime ? (value ? beijing(value)?.format('YYYY-MM-DDTHH:mm') ?? '' : '') : (value ?? '');
  return (
    <Input
      id={id}
      type={withTime ? 'datetime-local' : 'date'}
      value={shown}
      disabled={disabled}
      readOnly={readonly}
      required={required}
      className="native-date"
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      onChange={(event) => {
        const picked = event.target.value;
        if (!picked) onChange(undefined);
        else onChange(withTime ? dayjs.tz(picked, ZONE).format() : picked);
      }}
    />
  );
}

/** A single choice from a list is the device's own select (the phone's picker wheel, no dropdown library);
 * several choices are checkboxes. */
function NativeSelectWidget(props: WidgetProps) {
  const { id, options, value, required, disabled, readonly, multiple, onChange, onBlur, onFocus, placeholder } = props;
  const { t } = useTranslation();
  if (multiple) return <CheckboxesWidget {...props} />;
  const { enumOptions = [], emptyValue } = options;
  const index = enumOptionsIndexForValue(value, enumOptions, false);
  const selected = index === undefined || Array.isArray(index) ? '' : String(index);
  return (
    <select id={id} className="form-select" value={selected} required={required} disabled={disabled || readonly}
      aria-invalid={props.rawErrors && props.rawErrors.length > 0 ? true : undefined}
      onChange={(event) => onChange(event.target.value === "" ? emptyValue : enumOptionsValueForIndex(event.target.value, enumOptions, emptyValue))}
      onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)}>
      <option value="">{placeholder || t("common.choose")}</option>
      {enumOptions.map((option, i) => <option key={i} value={String(i)} disabled={option.schema?.readOnly}>{option.label}</option>)}
    </select>
  );
}

const widgets: RegistryWidgetsType = {
  SelectWidget: NativeSelectWidget,
  CheckboxWidget, CheckboxesWidget, RadioWidget, TextareaWidget, PasswordWidget,
  DateWidget: (props: WidgetProps) => <NativeDateWidget {...props} />,
  DateTimeWidget: (props: WidgetProps) => <NativeDateWidget {...props} withTime />,
  attachments: AttachmentsWidget,
};

// The antd templates with only the widgets the forms use (no range slider, no picker library).
/** "Add one" as words, not a bare plus icon. */
function AddButton({ onClick, disabled, className }: IconButtonProps) {
  const { t } = useTranslation();
  return <Button className={className} onClick={onClick} disabled={disabled} icon={<PlusOutlined aria-hidden />}>{t('form.add')}</Button>;
}

const templates = generateTemplates();
const Form = withTheme({ templates: { ...templates, ButtonTemplates: { ...templates.ButtonTemplates, AddButton } }, widgets });
const validator = conditionValidator;

export interface SchemaFormProps {
  schema: unknown;
  uiSchema?: unknown;
  formData: Record<string, unknown>;
  onChange(data: Record<string, unknown>): void;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  /** Uploads a file of an attachment field (absent: such fields cannot add files, e.g. before a case exists). */
  upload?: Upload;
}

export default function SchemaForm({ schema, uiSchema, formData, onChange, extraErrors, disabled, upload }: SchemaFormProps) {
  const { i18n } = useTranslation();
  const localized = useMemo(() => localizeSchema(schema, i18n.language), [schema, i18n.language]);
  const ui: UiSchema = useMemo(() => buildUiSchema(schema, i18n.language, uiSchema), [schema, uiSchema, i18n.language]);
  // labels without a trailing colon (Chinese labels never take one)
  const formContext = useMemo(() => ({ colon: false, upload }), [upload]);
  return (
    <Form
      className="schema-form"
      schema={localized}
      uiSchema={ui}
      formData={formData}
      validator={validator}
      widgets={widgets}
      noHtml5Validate
      formContext={formContext}
      showErrorList={false}
      extraErrors={extraErrors}
      disabled={disabled}
      onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
      onSubmit={() => undefined}
    />
  );
}

// A task or start form rendered from its JSON Schema with the antd theme. The server validates (its field
// errors arrive as `extraErrors` and show on their fields); the client validator only resolves conditions
// (lib/validator.ts).
import { useMemo } from 'react';
import { withTheme } from '@rjsf/core';
import { Theme } from '@rjsf/antd';
import type { ErrorSchema, RegistryWidgetsType, UiSchema, WidgetProps } from '@rjsf/utils';
import { conditionValidator } from '../lib/validator';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { buildUiSchema, localizeSchema } from '../lib/forms';
import { beijing, ZONE } from '../lib/time';

const Form = withTheme(Theme);
const validator = conditionValidator;

/** Date and time in Beijing time; the value sent is ISO-8601 with +08:00. */
function BeijingDateTimeWidget({ id, value, onChange, disabled, readonly, placeholder, onBlur, onFocus }: WidgetProps) {
  return (
    <DatePicker
      id={id}
      showTime={{ format: 'HH:mm' }}
      format="YYYY-MM-DD HH:mm"
      value={beijing(value)}
      disabled={disabled || readonly}
      placeholder={placeholder}
      style={{ width: '100%' }}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      onChange={(picked) => onChange(picked ? dayjs.tz(picked.format('YYYY-MM-DDTHH:mm:00'), ZONE).format() : undefined)}
    />
  );
}

function PlainDateWidget({ id, value, onChange, disabled, readonly, placeholder, onBlur, onFocus }: WidgetProps) {
  return (
    <DatePicker
      id={id}
      format="YYYY-MM-DD"
      value={value ? dayjs(value, 'YYYY-MM-DD') : null}
      disabled={disabled || readonly}
      placeholder={placeholder}
      style={{ width: '100%' }}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      onChange={(picked) => onChange(picked ? picked.format('YYYY-MM-DD') : undefined)}
    />
  );
}

const widgets: RegistryWidgetsType = { DateTimeWidget: BeijingDateTimeWidget, DateWidget: PlainDateWidget };

export interface SchemaFormProps {
  schema: unknown;
  uiSchema?: unknown;
  formData: Record<string, unknown>;
  onChange(data: Record<string, unknown>): void;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
}

export default function SchemaForm({ schema, uiSchema, formData, onChange, extraErrors, disabled }: SchemaFormProps) {
  const { i18n } = useTranslation();
  const localized = useMemo(() => localizeSchema(schema, i18n.language), [schema, i18n.language]);
  const ui: UiSchema = useMemo(() => buildUiSchema(schema, i18n.language, uiSchema), [schema, uiSchema, i18n.language]);
  return (
    <Form
      className="schema-form"
      schema={localized}
      uiSchema={ui}
      formData={formData}
      validator={validator}
      widgets={widgets}
      noHtml5Validate
      showErrorList={false}
      extraErrors={extraErrors}
      disabled={disabled}
      onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
      onSubmit={() => undefined}
    />
  );
}
